package dev.conduit.websocket.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.websocket.BadHandshakeException;
import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.WebSocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The reconnect schedule and retry decisions as pure functions (no sockets, no clock). */
class BackoffTest {
    private static final Duration MS_100 = Duration.ofMillis(100);
    private static final Duration S_5 = Duration.ofSeconds(5);

    @Test
    void ceilingGrowsByTheMultiplierUpToMax() {
        Backoff b = Backoff.exponential(MS_100, S_5);
        List<Long> ceilings = new ArrayList<>();
        for (int attempt = 0; attempt < 10; attempt++) {
            ceilings.add(b.ceiling(attempt).toMillis());
        }
        assertThat(ceilings).containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L, 5000L, 5000L);
        assertThat(b.withMultiplier(1.5).ceiling(2)).isEqualTo(Duration.ofMillis(225));
        assertThat(b.ceiling(Integer.MAX_VALUE)).isEqualTo(S_5);
    }

    @Test
    void noJitterIsTheCeiling() {
        Backoff b = Backoff.exponential(MS_100, S_5).withJitter(Backoff.Jitter.NONE);
        for (int attempt = 0; attempt < 8; attempt++) {
            assertThat(b.delay(attempt, Duration.ZERO, new Random(1))).isEqualTo(b.ceiling(attempt));
        }
    }

    @Test
    void fullJitterIsSpreadBetweenZeroAndTheGrowingCeiling() {
        Backoff b = Backoff.exponential(MS_100, S_5);
        Random random = new Random(42);
        for (int attempt = 0; attempt < 8; attempt++) {
            Set<Duration> seen = new HashSet<>();
            long sum = 0;
            for (int i = 0; i < 1000; i++) {
                Duration d = b.delay(attempt, Duration.ZERO, random);
                assertThat(d).isBetween(Duration.ZERO, b.ceiling(attempt));
                seen.add(d);
                sum += d.toNanos();
            }
            assertThat(seen).as("attempt %d is jittered", attempt).hasSizeGreaterThan(900);
            // The mean of a uniform draw is half the ceiling: it grows with the attempt.
            assertThat((double) sum / 1000).isCloseTo(b.ceiling(attempt).toNanos() / 2.0,
                    org.assertj.core.data.Percentage.withPercentage(10));
        }
    }

    @Test
    void decorrelatedJitterStaysBetweenInitialAndThreeTimesThePrevious() {
        Backoff b = Backoff.exponential(MS_100, S_5).withJitter(Backoff.Jitter.DECORRELATED);
        Random random = new Random(7);
        Duration previous = Duration.ZERO;
        Set<Duration> seen = new HashSet<>();
        boolean reachedMax = false;
        for (int attempt = 0; attempt < 200; attempt++) {
            Duration d = b.delay(attempt, previous, random);
            Duration top = previous.multipliedBy(3).compareTo(S_5) > 0 ? S_5 : previous.multipliedBy(3);
            assertThat(d).isBetween(MS_100, top.compareTo(MS_100) < 0 ? MS_100 : top);
            reachedMax |= d.compareTo(Duration.ofSeconds(2)) > 0;
            seen.add(d);
            previous = d;
        }
        assertThat(seen).hasSizeGreaterThan(150);
        assertThat(reachedMax).as("the delays grow towards max").isTrue();
    }

    @Test
    void invalidSchedulesAreRefused() {
        assertThatThrownBy(() -> new Backoff(S_5, MS_100, 2, Backoff.Jitter.FULL)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofMillis(-1), S_5, 2, Backoff.Jitter.FULL)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(MS_100, S_5, 0.5, Backoff.Jitter.FULL)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(MS_100, S_5, Double.NaN, Backoff.Jitter.FULL)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 410})
    void aRefusedHandshakeIsNotRetried(int status) {
        assertThat(Reconnector.retryable(refused(status, Map.of()))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 200, 408, 429, 500, 502, 503})
    void timeoutsThrottlingAndServerErrorsAreRetried(int status) {
        assertThat(Reconnector.retryable(refused(status, Map.of()))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {WebSocket.CLOSE_PROTOCOL_ERROR, WebSocket.CLOSE_UNSUPPORTED_DATA,
            WebSocket.CLOSE_INVALID_FRAME_PAYLOAD_DATA, WebSocket.CLOSE_POLICY_VIOLATION})
    void closeCodesThatMeanRefusedAgainStop(int code) {
        assertThat(Reconnector.retryable(new CloseException(code, "no"))).isFalse();
        assertThat(Reconnector.retryable(new UncheckedIOException(new CloseException(code, "no")))).as("in the cause chain").isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1006, 1011, 1012, 1013, 4000})
    void otherCloseCodesAreRetried(int code) {
        assertThat(Reconnector.retryable(new CloseException(code, ""))).isTrue();
    }

    @Test
    void transportErrorsAreRetriedAndAnInvalidUrlIsNot() {
        assertThat(Reconnector.retryable(new ConnectException("refused"))).isTrue();
        assertThat(Reconnector.retryable(new IOException("reset"))).isTrue();
        assertThat(Reconnector.retryable(new IllegalStateException("handler bug"))).isTrue();
        assertThat(Reconnector.retryable(new IllegalArgumentException("malformed ws or wss URL"))).isFalse();
    }

    @Test
    void retryAfterInSecondsOrAsADateOnlyFor429And503() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(RetryAfter.of(refused(503, Map.of("retry-after", List.of("7"))), now)).isEqualTo(Duration.ofSeconds(7));
        assertThat(RetryAfter.of(refused(429, Map.of("Retry-After", List.of("Thu, 01 Jan 2026 00:00:30 GMT"))), now))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(RetryAfter.of(refused(429, Map.of("Retry-After", List.of("Wed, 31 Dec 2025 23:00:00 GMT"))), now))
                .as("a date in the past").isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.of(refused(503, Map.of("Retry-After", List.of("soon"))), now)).isNull();
        assertThat(RetryAfter.of(refused(500, Map.of("Retry-After", List.of("7"))), now)).isNull();
        assertThat(RetryAfter.of(refused(503, Map.of()), now)).isNull();
        assertThat(RetryAfter.of(new ConnectException("refused"), now)).isNull();
    }

    private static BadHandshakeException refused(int status, Map<String, List<String>> headers) {
        return new BadHandshakeException("status " + status, status, headers, null);
    }
}
