package dev.conduit.websocket.client;

import dev.conduit.websocket.BadHandshakeException;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/** The wait a throttling server asks of a {@link Reconnector} (RFC 9110 §10.2.3). */
final class RetryAfter {
    private RetryAfter() {
    }

    /**
     * The {@code Retry-After} of a 429 or 503 refusal: delay-seconds or an HTTP date.
     *
     * @param cause why the dial failed
     * @param now the current time, for an HTTP date
     * @return the wait, or {@code null} if there is none
     */
    static Duration of(Throwable cause, Instant now) {
        if (!(cause instanceof BadHandshakeException bad) || (bad.status() != 429 && bad.status() != 503)) {
            return null;
        }
        for (Map.Entry<String, List<String>> h : bad.headers().entrySet()) {
            if (h.getKey() == null || !h.getKey().equalsIgnoreCase("Retry-After") || h.getValue() == null || h.getValue().isEmpty()) {
                continue;
            }
            String value = h.getValue().get(0).trim();
            try {
                if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    return value.length() > 9 ? Duration.ofSeconds(999_999_999) : Duration.ofSeconds(Long.parseLong(value));
                }
                Duration until = Duration.between(now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }
}
