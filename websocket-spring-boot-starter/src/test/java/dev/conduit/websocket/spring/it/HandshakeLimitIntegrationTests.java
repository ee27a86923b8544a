package dev.conduit.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.websocket.spring.autoconfigure.ConduitWebSocketProperties;
import dev.conduit.websocket.spring.autoconfigure.UpgraderCustomizer;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code conduit.websocket.max-concurrent-handshakes}: two handshakes held inside the origin check
 * fill a bound of 2, the third upgrade gets 503; released, both complete. Default 100.
 */
class HandshakeLimitIntegrationTests {
    static final CountDownLatch RELEASE = new CountDownLatch(1);
    static final AtomicInteger IN_ORIGIN_CHECK = new AtomicInteger();

    /** Holds every handshake in the origin check until the test releases it. */
    @Configuration(proxyBeanMethods = false)
    static class SlowOriginCheck {
        @Bean
        UpgraderCustomizer holdHandshakes() {
            return builder -> builder.checkOrigin(request -> {
                IN_ORIGIN_CHECK.incrementAndGet();
                try {
                    return RELEASE.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
        }
    }

    @Test
    void theDefaultBoundIsOneHundred() {
        assertThat(new ConduitWebSocketProperties().getMaxConcurrentHandshakes()).isEqualTo(100);
    }

    @Test
    void handshakesBeyondTheBoundAreRefusedWith503() throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(TestApplication.class, SlowOriginCheck.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "conduit.websocket.max-concurrent-handshakes=2")
                .run()) {
            int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
            CompletableFuture<RawWsPeer> first = CompletableFuture.supplyAsync(() -> connect(port));
            CompletableFuture<RawWsPeer> second = CompletableFuture.supplyAsync(() -> connect(port));
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (IN_ORIGIN_CHECK.get() < 2 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertThat(IN_ORIGIN_CHECK.get()).isEqualTo(2);

            assertThatThrownBy(() -> RawWsPeer.connect(port, "/open/echo")).isInstanceOf(IOException.class)
                    .hasMessageContaining("HTTP/1.1 503");

            RELEASE.countDown();
            try (RawWsPeer a = first.get(30, TimeUnit.SECONDS); RawWsPeer b = second.get(30, TimeUnit.SECONDS)) {
                assertThat(a.socket.isConnected()).isTrue();
                assertThat(b.socket.isConnected()).isTrue();
            }
        }
    }

    private static RawWsPeer connect(int port) {
        try {
            return RawWsPeer.connect(port, "/open/echo");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
