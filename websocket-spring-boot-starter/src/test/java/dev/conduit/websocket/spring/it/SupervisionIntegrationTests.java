package dev.conduit.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.spring.endpoint.ConnectionRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The keep-alive ({@code conduit.websocket.ping-interval} / {@code pong-timeout}) and the idle
 * timeout ({@code conduit.websocket.idle-timeout}) in a running app, against hand-written peers:
 * a peer that answers pings stays, one that does not (a half-open peer, as the server sees it) is
 * closed, after which descriptors and heap after GC are back to their baseline; a quiet peer gets
 * close 1001. Both are off by default.
 */
class SupervisionIntegrationTests {

    private static ConfigurableApplicationContext start(String... properties) {
        List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off"));
        all.addAll(List.of(properties));
        return new SpringApplicationBuilder(TestApplication.class).properties(all.toArray(String[]::new)).run();
    }

    private static int port(ConfigurableApplicationContext app) {
        return app.getEnvironment().getProperty("local.server.port", Integer.class);
    }

    /** Polls (bounded) until the registry counts {@code expected} open connections. */
    private static void awaitConnections(ConfigurableApplicationContext app, int expected) throws InterruptedException {
        ConnectionRegistry registry = app.getBean(ConnectionRegistry.class);
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (registry.count() != expected && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(registry.count()).isEqualTo(expected);
    }

    @Test
    void keepAliveAndIdleTimeoutAreOnByDefault() {
        try (ConfigurableApplicationContext app = start()) {
            var props = app.getBean(dev.conduit.websocket.spring.autoconfigure.ConduitWebSocketProperties.class);
            // A peer gone without FIN is closed within ping interval + pong timeout (one minute).
            assertThat(props.getPingInterval()).isEqualTo(java.time.Duration.ofSeconds(30));
            assertThat(props.getPongTimeout()).isZero(); // 0: the ping interval
            assertThat(props.getIdleTimeout()).isEqualTo(java.time.Duration.ofMinutes(5));
        }
    }

    @Test
    void aHandlerThatOnlyWritesIsNotTakenForAHalfOpenPeer() throws Exception {
        // Nobody reads the pongs of a handler that never reads: the checks wait for its first read.
        try (ConfigurableApplicationContext app = start("conduit.websocket.ping-interval=100ms",
                "conduit.websocket.pong-timeout=200ms", "conduit.websocket.idle-timeout=200ms")) {
            try (RawWsPeer peer = RawWsPeer.connect(port(app), "/open/writeonly")) {
                List<String> ticks = new ArrayList<>();
                RawWsPeer.Frame f;
                while ((f = peer.next()) != null && f.opcode() != WebSocket.CLOSE_MESSAGE) {
                    if (f.opcode() == WebSocket.TEXT_MESSAGE) {
                        ticks.add(new String(f.payload(), StandardCharsets.UTF_8));
                    }
                }
                assertThat(ticks).hasSize(20);
                assertThat(f).isNotNull();
                assertThat(f.closeCode()).isEqualTo(WebSocket.CLOSE_NORMAL_CLOSURE);
            }
        }
    }

    @Test
    void connectionsWhoseWritesAreStuckDoNotDelayTheChecksOfOthers() throws Exception {
        // A ping to a firehose peer that stopped reading waits the whole close timeout (20 s) for
        // the frame lock its handler holds; a silent peer's half-open check must not wait behind it.
        try (ConfigurableApplicationContext app = start("conduit.websocket.ping-interval=200ms",
                "conduit.websocket.pong-timeout=400ms", "conduit.websocket.close-timeout=20s")) {
            int port = port(app);
            List<RawWsPeer> stuck = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    RawWsPeer firehose = RawWsPeer.connect(port, "/open/firehose");
                    firehose.socket.setReceiveBufferSize(4096);
                    stuck.add(firehose); // never read
                }
                try (RawWsPeer silent = RawWsPeer.connect(port, "/open/echo")) {
                    long start = System.nanoTime();
                    List<Integer> seen = new ArrayList<>();
                    RawWsPeer.Frame f;
                    while ((f = silent.next()) != null) {
                        seen.add(f.opcode());
                    }
                    long millis = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    assertThat(seen).contains(WebSocket.PING_MESSAGE);
                    // Not a benchmark: a check queued behind the stuck pings would wait 20 s per stuck connection.
                    assertThat(millis).as("ms until the silent peer was closed").isLessThan(10_000);
                }
            } finally {
                for (RawWsPeer p : stuck) {
                    p.close();
                }
            }
        }
    }

    @Test
    void aPeerThatAnswersPingsStaysAndOneThatDoesNotIsClosed() throws Exception {
        try (ConfigurableApplicationContext app = start("conduit.websocket.ping-interval=100ms",
                "conduit.websocket.pong-timeout=300ms")) {
            int port = port(app);
            try (RawWsPeer warmUp = RawWsPeer.connect(port, "/open/echo")) {
                warmUp.send(WebSocket.TEXT_MESSAGE, "warm".getBytes(StandardCharsets.UTF_8));
                RawWsPeer.Frame f;
                do {
                    f = warmUp.next();
                    assertThat(f).isNotNull();
                } while (f.opcode() != WebSocket.TEXT_MESSAGE);
            }
            awaitConnections(app, 0);
            int fds = HeapBaseline.openFileDescriptors();
            long heap = HeapBaseline.usedAfterGc();
            try (RawWsPeer alive = RawWsPeer.connect(port, "/open/echo");
                 RawWsPeer silent = RawWsPeer.connect(port, "/open/echo")) {
                awaitConnections(app, 2);

                // The live peer answers five pings with pongs, then still echoes.
                for (int pings = 0; pings < 5; ) {
                    RawWsPeer.Frame f = alive.next();
                    assertThat(f).as("frame from the server").isNotNull();
                    if (f.opcode() == WebSocket.PING_MESSAGE) {
                        alive.send(WebSocket.PONG_MESSAGE, f.payload());
                        pings++;
                    }
                }

                // The silent peer reads but never answers: the server gives up on it and closes TCP.
                List<Integer> seen = new ArrayList<>();
                RawWsPeer.Frame f;
                while ((f = silent.next()) != null) {
                    seen.add(f.opcode());
                }
                assertThat(seen).contains(WebSocket.PING_MESSAGE);
                awaitConnections(app, 1);

                alive.send(WebSocket.TEXT_MESSAGE, "still here".getBytes(StandardCharsets.UTF_8));
                RawWsPeer.Frame echo;
                do {
                    echo = alive.next();
                    assertThat(echo).isNotNull();
                    if (echo.opcode() == WebSocket.PING_MESSAGE) {
                        alive.send(WebSocket.PONG_MESSAGE, echo.payload());
                    }
                } while (echo.opcode() != WebSocket.TEXT_MESSAGE);
                assertThat(new String(echo.payload(), StandardCharsets.UTF_8)).isEqualTo("still here");
            }
            awaitConnections(app, 0);
            HeapBaseline.awaitFileDescriptorsBack(fds);
            HeapBaseline.awaitBack(heap);
        }
    }

    @Test
    void aQuietPeerIsClosedWith1001AfterTheIdleTimeoutAndABusyOneIsNot() throws Exception {
        try (ConfigurableApplicationContext app = start("conduit.websocket.idle-timeout=1500ms")) {
            int port = port(app);
            try (RawWsPeer quiet = RawWsPeer.connect(port, "/open/echo");
                 RawWsPeer busy = RawWsPeer.connect(port, "/open/echo")) {
                awaitConnections(app, 2);
                // The busy peer sends a message every 100 ms, well inside the timeout; each is echoed.
                for (int i = 0; i < 10; i++) {
                    busy.send(WebSocket.TEXT_MESSAGE, ("m" + i).getBytes(StandardCharsets.UTF_8));
                    RawWsPeer.Frame echo = busy.next();
                    assertThat(echo).isNotNull();
                    assertThat(new String(echo.payload(), StandardCharsets.UTF_8)).isEqualTo("m" + i);
                    Thread.sleep(100);
                }

                RawWsPeer.Frame close = quiet.next();
                assertThat(close).isNotNull();
                assertThat(close.opcode()).isEqualTo(WebSocket.CLOSE_MESSAGE);
                assertThat(close.closeCode()).isEqualTo(WebSocket.CLOSE_GOING_AWAY);
                quiet.send(WebSocket.CLOSE_MESSAGE, WebSocket.formatCloseMessage(WebSocket.CLOSE_GOING_AWAY, ""));
                assertThat(quiet.next()).as("TCP closed after the close handshake").isNull();
                awaitConnections(app, 1);

                // A quiet peer that does not answer the close either is cut off after the close timeout.
                try (RawWsPeer deaf = RawWsPeer.connect(port, "/open/echo")) {
                    RawWsPeer.Frame c = deaf.next();
                    assertThat(c.closeCode()).isEqualTo(WebSocket.CLOSE_GOING_AWAY);
                    assertThat(deaf.next()).isNull();
                }
            }
            awaitConnections(app, 0);
        }
    }
}
