package dev.conduit.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import dev.conduit.websocket.spring.endpoint.ConnectionRegistry;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A peer that stops reading while the server writes: the write deadline fires once the TCP buffers
 * are full, what the server wrote until then stays bounded by those buffers (nothing queues in
 * memory without bound), the handler ends and its connection is released, the heap after GC is back
 * to its baseline, and another connection keeps echoing meanwhile.
 */
class SlowReaderIntegrationTests {
    static final AtomicLong WRITTEN = new AtomicLong();
    static final AtomicReference<IOException> FAILURE = new AtomicReference<>();

    /** Writes 64 KiB messages, each with a 1 s write deadline, until a write fails. */
    @Configuration(proxyBeanMethods = false)
    static class Flood {
        @Bean
        FloodEndpoint floodEndpoint() {
            return new FloodEndpoint();
        }
    }

    /** The writer. */
    public static class FloodEndpoint {
        @WebSocketEndpoint("/flood")
        public void flood(Conn conn) throws IOException {
            byte[] chunk = new byte[64 * 1024];
            try {
                while (true) {
                    conn.setWriteDeadline(Instant.now().plusSeconds(1));
                    conn.writeMessage(WebSocket.BINARY_MESSAGE, chunk);
                    WRITTEN.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                FAILURE.set(e);
                throw e;
            }
        }
    }

    @Test
    void theWriteDeadlineEndsAWriterWhosePeerStoppedReading() throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(TestApplication.class, Flood.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off").run()) {
            int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
            ConnectionRegistry registry = app.getBean(ConnectionRegistry.class);
            try (RawWsPeer warmUp = RawWsPeer.connect(port, "/open/echo")) {
                warmUp.send(WebSocket.TEXT_MESSAGE, "warm".getBytes(StandardCharsets.UTF_8));
                assertThat(warmUp.next().payload()).hasSize(4);
            }
            long warmEnd = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (registry.count() > 0 && System.nanoTime() < warmEnd) {
                Thread.sleep(20);
            }
            assertThat(registry.count()).isZero();
            long heap = HeapBaseline.usedAfterGc();
            try (RawWsPeer stalled = RawWsPeer.connect(port, "/flood");
                 RawWsPeer other = RawWsPeer.connect(port, "/open/echo")) {
                long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (FAILURE.get() == null && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                assertThat(FAILURE.get()).isInstanceOf(SocketTimeoutException.class);
                // Bounded by kernel socket buffers on both sides, not by an in-memory queue.
                assertThat(WRITTEN.get()).isLessThan(64L << 20);

                other.send(WebSocket.TEXT_MESSAGE, "unaffected".getBytes(StandardCharsets.UTF_8));
                assertThat(new String(other.next().payload(), StandardCharsets.UTF_8)).isEqualTo("unaffected");

                while (registry.count() > 1 && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                assertThat(registry.count()).isEqualTo(1);
                // What the flood wrote is gone with its connection (the echo connection is still open).
                HeapBaseline.awaitBack(heap);
            }
        }
    }
}
