package dev.conduit.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.spring.autoconfigure.ConduitWebSocketProperties;
import dev.conduit.websocket.spring.endpoint.ConnectionRegistry;
import java.io.File;
import java.io.OutputStream;
import java.time.Duration;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.unit.DataSize;

/**
 * The message size limit (1009) with its default and a configured value, and faults from the peer
 * against a running app: TCP dropped inside a frame header and inside a payload, a handler that
 * throws (1011). After each, the connection count, this JVM's open file descriptors and its heap
 * after GC come back to their baseline (polled with a bound, never timed).
 */
class LimitsAndFaultsIntegrationTests {
    private static ConfigurableApplicationContext app;
    private static int port;

    @BeforeAll
    static void start() {
        app = new SpringApplicationBuilder(TestApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "conduit.websocket.max-message-size=1KB")
                .run();
        port = app.getEnvironment().getProperty("local.server.port", Integer.class);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void theDefaultMessageLimitIsOneMegabyte() {
        assertThat(new ConduitWebSocketProperties().getMaxMessageSize()).isEqualTo(DataSize.ofMegabytes(1));
    }

    @Test
    void aMessageAtTheLimitIsEchoedAndOneByteMoreIsClosedWith1009() throws Exception {
        try (RawWsPeer peer = RawWsPeer.connect(port, "/open/echo")) {
            peer.send(WebSocket.BINARY_MESSAGE, new byte[1024]);
            RawWsPeer.Frame echo = peer.next();
            assertThat(echo.opcode()).isEqualTo(WebSocket.BINARY_MESSAGE);
            assertThat(echo.payload()).hasSize(1024);

            peer.send(WebSocket.BINARY_MESSAGE, new byte[1025]);
            RawWsPeer.Frame close = peer.next();
            assertThat(close.opcode()).isEqualTo(WebSocket.CLOSE_MESSAGE);
            assertThat(close.closeCode()).isEqualTo(WebSocket.CLOSE_MESSAGE_TOO_BIG);
        }
        awaitBaseline(0);
    }

    @Test
    void anEndpointWithMaxMessageSizeZeroHasNoLimitBelowTheGlobalOne() throws Exception {
        try (RawWsPeer peer = RawWsPeer.connect(port, "/open/unlimited")) {
            peer.send(WebSocket.BINARY_MESSAGE, new byte[4096]); // four times the global 1KB
            RawWsPeer.Frame echo = peer.next();
            assertThat(echo.opcode()).isEqualTo(WebSocket.BINARY_MESSAGE);
            assertThat(echo.payload()).hasSize(4096);
        }
        awaitBaseline(0);
    }

    @Test
    void aPeerDroppingTcpInsideAHeaderOrAPayloadReleasesEverything() throws Exception {
        warmUp();
        int fds = openFileDescriptors();
        long heap = HeapBaseline.usedAfterGc();
        for (int i = 0; i < 20; i++) {
            try (RawWsPeer peer = RawWsPeer.connect(port, "/open/echo")) {
                OutputStream out = peer.socket.getOutputStream();
                if (i % 2 == 0) {
                    out.write(new byte[] {(byte) 0x82, (byte) 0xfe, 0x01}); // 16-bit length cut after its first byte
                } else {
                    out.write(new byte[] {(byte) 0x82, (byte) 0xfe, 0x01, 0x00, 0, 0, 0, 0}); // 256 bytes declared
                    out.write(new byte[100]); // ... 100 sent
                }
                out.flush();
            }
        }
        awaitBaseline(0);
        awaitAtMost(LimitsAndFaultsIntegrationTests::openFileDescriptors, fds);
        HeapBaseline.awaitBack(heap);
    }

    @Test
    void aHandlerThatThrowsClosesWith1011() throws Exception {
        warmUp();
        int fds = openFileDescriptors();
        long heap = HeapBaseline.usedAfterGc();
        try (RawWsPeer peer = RawWsPeer.connect(port, "/open/fail")) {
            peer.send(WebSocket.TEXT_MESSAGE, "go".getBytes(java.nio.charset.StandardCharsets.UTF_8)); // it throws after one read
            RawWsPeer.Frame f;
            do {
                f = peer.next();
                assertThat(f).isNotNull();
            } while (f.opcode() != WebSocket.CLOSE_MESSAGE);
            assertThat(f.closeCode()).isEqualTo(WebSocket.CLOSE_INTERNAL_SERVER_ERR);
        }
        awaitBaseline(0);
        awaitAtMost(LimitsAndFaultsIntegrationTests::openFileDescriptors, fds);
        HeapBaseline.awaitBack(heap);
    }

    /** One echo before a baseline, so that it includes what the first connection creates once. */
    private static void warmUp() throws Exception {
        try (RawWsPeer peer = RawWsPeer.connect(port, "/open/echo")) {
            peer.send(WebSocket.BINARY_MESSAGE, new byte[16]);
            assertThat(peer.next().payload()).hasSize(16);
        }
        awaitBaseline(0);
    }

    private static void awaitBaseline(int connections) throws InterruptedException {
        ConnectionRegistry registry = app.getBean(ConnectionRegistry.class);
        awaitAtMost(registry::count, connections);
    }

    /** Polls up to 20 s until the value is at most {@code expected}; fails with the last value. */
    private static void awaitAtMost(IntSupplier value, int expected) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (value.getAsInt() > expected && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(value.getAsInt()).isLessThanOrEqualTo(expected);
    }

    private static int openFileDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? 0 : fds.length;
    }
}
