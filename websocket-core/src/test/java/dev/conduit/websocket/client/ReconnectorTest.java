package dev.conduit.websocket.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.BadHandshakeException;
import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.testing.RequestHead;
import dev.conduit.websocket.testing.TestServer;
import dev.conduit.websocket.testing.WebSocketTestServer;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Reconnector} over real sockets: it redials after the server closes the connection and
 * after the server restarts on the same port, waits the back-off's jittered delays, stops on close
 * codes and statuses that mean "don't retry", and {@link Reconnector#close()} leaves no thread.
 * Events are ordered with latches and queues; no assertion is about how fast anything is.
 */
class ReconnectorTest {
    private static final Dialer DIRECT = Dialer.builder().proxySelector(null).handshakeTimeout(Duration.ofSeconds(10)).build();
    /** Short delays keep the test quick; what is asserted is the schedule, not the time taken. */
    private static final Backoff FAST = Backoff.exponential(Duration.ofMillis(20), Duration.ofMillis(300));

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final Recorder events = new Recorder();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T owned(T resource) {
        toClose.add(resource);
        return resource;
    }

    /** Records the listener's events. */
    static final class Recorder implements Reconnector.Listener {
        final BlockingQueue<Throwable> causes = new LinkedBlockingQueue<>();
        final List<Integer> attempts = new CopyOnWriteArrayList<>();
        final List<Duration> delays = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        final CountDownLatch stopped = new CountDownLatch(1);
        volatile Throwable stopCause;

        @Override
        public void connected(Conn conn) {
            connections.incrementAndGet();
        }

        @Override
        public void retrying(Throwable cause, int attempt, Duration delay) {
            attempts.add(attempt);
            delays.add(delay);
            causes.add(cause == null ? new IllegalStateException("handler returned") : cause);
        }

        @Override
        public void stopped(Throwable cause) {
            stopCause = cause;
            stopped.countDown();
        }
    }

    /** A client handler that reads until the connection ends and queues what it reads. */
    private static Reconnector.ConnHandler reader(BlockingQueue<String> received) {
        return conn -> {
            while (true) {
                Message m = conn.readMessage();
                received.add(m.text());
            }
        };
    }

    private static boolean threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    private static String threadName(URI url) {
        return "conduit-reconnect-" + url.getHost() + ":" + url.getPort();
    }

    @Test
    void redialsAfterTheServerClosesTheConnectionWithGrowingJitteredDelays() throws Exception {
        AtomicInteger served = new AtomicInteger();
        WebSocketTestServer server = owned(WebSocketTestServer.start((conn, request) -> {
            conn.writeMessage(WebSocket.TEXT_MESSAGE, ("hello " + served.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
            conn.close(WebSocket.CLOSE_GOING_AWAY, "restarting", Duration.ofSeconds(5));
        }));
        URI url = server.uri("ws", "/feed");
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        long seed = 1234;
        Reconnector r = owned(Reconnector.builder(DIRECT, url).backoff(FAST).resetAfter(Duration.ofHours(1))
                .random(new Random(seed)).listener(events).start(reader(received)));

        for (int i = 1; i <= 4; i++) {
            assertThat(received.poll(10, TimeUnit.SECONDS)).as("message of connection %d", i).isEqualTo("hello " + i);
        }
        r.close();
        assertThat(events.connections.get()).isGreaterThanOrEqualTo(4);
        for (int i = 0; i < 3; i++) {
            Throwable cause = events.causes.take();
            assertThat(cause).isInstanceOf(CloseException.class);
            assertThat(((CloseException) cause).code()).isEqualTo(WebSocket.CLOSE_GOING_AWAY);
        }
        // Connections shorter than resetAfter do not reset the count: the attempts grow, and each
        // delay is the schedule's jittered draw under the growing ceiling.
        assertThat(events.attempts.subList(0, 3)).containsExactly(1, 2, 3);
        Random expected = new Random(seed);
        Duration previous = Duration.ZERO;
        for (int i = 0; i < 3; i++) {
            Duration d = FAST.delay(i, previous, expected);
            assertThat(events.delays.get(i)).isEqualTo(d).isLessThanOrEqualTo(FAST.ceiling(i));
            previous = d;
        }
        assertThat(events.delays.subList(0, 3)).as("jittered, not the ceilings")
                .isNotEqualTo(List.of(FAST.ceiling(0), FAST.ceiling(1), FAST.ceiling(2)));
    }

    @Test
    void resetsTheAttemptCountAfterAStableConnection() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        WebSocketTestServer server = owned(WebSocketTestServer.start((conn, request) -> {
            release.await(10, TimeUnit.SECONDS);
            conn.close(WebSocket.CLOSE_GOING_AWAY, "", Duration.ofSeconds(5));
        }));
        Reconnector r = owned(Reconnector.builder(DIRECT, server.uri("ws", "/")).backoff(FAST).resetAfter(Duration.ZERO)
                .listener(events).start(reader(new LinkedBlockingQueue<>())));
        release.countDown();
        for (int i = 0; i < 3; i++) {
            assertThat(events.causes.poll(10, TimeUnit.SECONDS)).isInstanceOf(CloseException.class);
        }
        r.close();
        assertThat(events.attempts.subList(0, 3)).as("every connection counts as stable").containsExactly(1, 1, 1);
    }

    @Test
    void redialsAfterTheServerRestartsOnTheSamePort() throws Exception {
        WebSocketTestServer first = WebSocketTestServer.start(WebSocketTestServer.echo());
        int port = first.port();
        AtomicInteger dials = new AtomicInteger();
        BlockingQueue<Conn> connected = new LinkedBlockingQueue<>();
        Reconnector r = owned(Reconnector.builder(DIRECT, () -> URI.create("ws://127.0.0.1:" + port + "/chat?since=" + dials.incrementAndGet()))
                .backoff(FAST).resetAfter(Duration.ofHours(1)).listener(events)
                .start(conn -> {
                    connected.add(conn);
                    conn.writeMessage(WebSocket.TEXT_MESSAGE, "ping".getBytes(StandardCharsets.UTF_8));
                    while (true) {
                        conn.readMessage();
                    }
                }));
        assertThat(connected.poll(10, TimeUnit.SECONDS)).as("first connection").isNotNull();
        assertThat(first.requests().take().target()).isEqualTo("/chat?since=1");

        first.close();   // the server goes away: the connection ends, dials are refused
        assertThat(events.causes.poll(10, TimeUnit.SECONDS)).isInstanceOf(CloseException.class);
        assertThat(events.causes.poll(10, TimeUnit.SECONDS)).as("a refused dial").isInstanceOf(ConnectException.class);
        assertThat(events.causes.poll(10, TimeUnit.SECONDS)).as("another refused dial").isInstanceOf(ConnectException.class);

        WebSocketTestServer second = owned(WebSocketTestServer.start(port, WebSocketTestServer.echo()));
        assertThat(connected.poll(10, TimeUnit.SECONDS)).as("connection to the restarted server").isNotNull();
        RequestHead request = second.requests().take();
        assertThat(request.target()).as("the URL is asked again for each dial")
                .startsWith("/chat?since=").isNotEqualTo("/chat?since=1");
        assertThat(r.isRunning()).isTrue();
        r.close();
        assertThat(threadNamed("conduit-reconnect")).as("a URL supplier's reconnector names its thread without asking it").isFalse();
    }

    @Test
    void closeSendsNormalClosureStopsAndLeavesNoThread() throws Exception {
        WebSocketTestServer server = owned(WebSocketTestServer.start(WebSocketTestServer.echo()));
        URI url = server.uri("ws", "/");
        CountDownLatch open = new CountDownLatch(1);
        Reconnector r = Reconnector.builder(DIRECT, url).backoff(FAST).listener(events).start(conn -> {
            open.countDown();
            while (true) {
                conn.readMessage();
            }
        });
        assertThat(open.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(threadNamed(threadName(url))).as("the reconnector's thread while it runs").isTrue();

        r.close();

        assertThat(r.isRunning()).isFalse();
        assertThat(threadNamed(threadName(url))).as("no thread left after close()").isFalse();
        Throwable ending = server.endings().poll(10, TimeUnit.SECONDS);
        assertThat(ending).isInstanceOf(CloseException.class);
        assertThat(((CloseException) ending).code()).isEqualTo(WebSocket.CLOSE_NORMAL_CLOSURE);
        assertThat(events.stopped.await(1, TimeUnit.SECONDS)).isTrue();
        assertThat(events.stopCause).as("stopped by close(), not by a failure").isNull();
        assertThat(server.requests()).as("no dial after close()").hasSize(1);
        r.close();   // idempotent
    }

    @Test
    void closeWhileWaitingToRedialStopsAtOnce() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();   // nothing listens here afterwards: every dial is refused
        }
        URI url = URI.create("ws://127.0.0.1:" + port + "/");
        Reconnector r = Reconnector.builder(DIRECT, url)
                .backoff(Backoff.exponential(Duration.ofHours(1), Duration.ofHours(1)).withJitter(Backoff.Jitter.NONE))
                .listener(events).start(conn -> { });
        assertThat(events.causes.poll(10, TimeUnit.SECONDS)).isInstanceOf(ConnectException.class);
        assertThat(events.delays).containsExactly(Duration.ofHours(1));

        r.close();   // wakes the hour-long wait

        assertThat(threadNamed(threadName(url))).isFalse();
        assertThat(events.stopCause).isNull();
    }

    @Test
    void policyViolationStopsWithoutRetrying() throws Exception {
        WebSocketTestServer server = owned(WebSocketTestServer.start((conn, request) ->
                conn.close(WebSocket.CLOSE_POLICY_VIOLATION, "banned", Duration.ofSeconds(5))));
        URI url = server.uri("ws", "/");
        Reconnector r = owned(Reconnector.builder(DIRECT, url).backoff(FAST).listener(events).start(reader(new LinkedBlockingQueue<>())));

        assertThat(r.awaitStop(Duration.ofSeconds(10))).as("stops by itself").isTrue();
        assertThat(r.failure()).isInstanceOf(CloseException.class);
        assertThat(((CloseException) r.failure()).code()).isEqualTo(WebSocket.CLOSE_POLICY_VIOLATION);
        assertThat(events.stopCause).isSameAs(r.failure());
        assertThat(events.attempts).isEmpty();
        assertThat(server.requests()).hasSize(1);
        assertThat(threadNamed(threadName(url))).isFalse();
    }

    @Test
    void aForbiddenHandshakeStopsAndTooManyRequestsWaitsRetryAfter() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        TestServer server = owned(TestServer.start(socket -> {
            RequestHead.read(socket.getInputStream());
            String response = requests.incrementAndGet() == 1
                    ? "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n"
                    : "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n";
            socket.getOutputStream().write(response.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        }));
        Reconnector r = owned(Reconnector.builder(DIRECT, server.uri("ws", "/")).backoff(FAST).listener(events)
                .start(conn -> { }));

        assertThat(r.awaitStop(Duration.ofSeconds(20))).isTrue();
        assertThat(events.delays).as("Retry-After: 1 over the back-off's 20 ms").containsExactly(Duration.ofMillis(300));
        assertThat(((BadHandshakeException) events.causes.take()).status()).isEqualTo(429);
        assertThat(((BadHandshakeException) r.failure()).status()).isEqualTo(403);
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void givesUpAfterMaxAttempts() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Reconnector r = owned(Reconnector.builder(DIRECT, URI.create("ws://127.0.0.1:" + port + "/")).backoff(FAST)
                .maxAttempts(3).listener(events).start(conn -> { }));
        assertThat(r.awaitStop(Duration.ofSeconds(20))).isTrue();
        assertThat(events.attempts).containsExactly(1, 2, 3);
        assertThat(r.failure()).isInstanceOf(ConnectException.class);
        assertThat(events.stopped.getCount()).isZero();
    }

    @Test
    void aThreadFactoryNamesTheThread() throws Exception {
        WebSocketTestServer server = owned(WebSocketTestServer.start(WebSocketTestServer.echo()));
        CountDownLatch open = new CountDownLatch(1);
        Reconnector r = owned(Reconnector.builder(DIRECT, server.uri("ws", "/")).threadFactory(task -> new Thread(task, "feed-client"))
                .start(conn -> {
                    open.countDown();
                    conn.readMessage();
                }));
        assertThat(open.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(threadNamed("feed-client")).isTrue();
        r.close();
        assertThat(threadNamed("feed-client")).isFalse();
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void closeFromTheHandlerStopsWithoutRedialing() throws Exception {
        WebSocketTestServer server = owned(WebSocketTestServer.start(WebSocketTestServer.echo()));
        Reconnector[] self = new Reconnector[1];
        CountDownLatch started = new CountDownLatch(1);
        Reconnector r = Reconnector.builder(DIRECT, server.uri("ws", "/")).backoff(FAST).listener(events).start(conn -> {
            started.await();
            conn.writeMessage(WebSocket.TEXT_MESSAGE, "bye".getBytes(StandardCharsets.UTF_8));
            assertThat(conn.readMessage().text()).isEqualTo("bye");
            self[0].close();
        });
        self[0] = r;
        started.countDown();
        assertThat(r.awaitStop(Duration.ofSeconds(10))).isTrue();
        assertThat(events.stopCause).isNull();
        assertThat(events.attempts).isEmpty();
        assertThat(server.requests()).hasSize(1);
    }
}
