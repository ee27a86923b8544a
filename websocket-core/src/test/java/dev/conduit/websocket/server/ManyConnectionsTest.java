package dev.conduit.websocket.server;

import dev.conduit.websocket.server.internal.TransportRuntime;
import dev.conduit.websocket.Message;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1,000 connections open at once, each echoing, then closed: every handler thread is released
 * and the process's file descriptors return to where they were. On platform threads each open
 * connection holds a container thread, so the pool is sized above the connection count.
 */
class ManyConnectionsTest {
    static final int CONNECTIONS = 1000;

    TestServer.Container container() {
        return TestServer.Container.TOMCAT;
    }

    final Upgrader upgrader = Upgrader.builder().build();

    @org.junit.jupiter.api.AfterEach
    void closeUpgrader() {
        upgrader.close();
    }
    /** Handlers running now; each runs inside the container's init() on its own container thread. */
    final AtomicInteger running = new AtomicInteger();
    /** For the failure message: handlers started, and how those that ended early ended. */
    final AtomicInteger started = new AtomicInteger();
    final java.util.Queue<String> endings = new java.util.concurrent.ConcurrentLinkedQueue<>();

    final HttpServlet echo = new HttpServlet() {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            upgrader.upgrade(req, resp, null, conn -> {
                running.incrementAndGet();
                started.incrementAndGet();
                try {
                    while (true) {
                        Message m = conn.readMessage();
                        conn.writeMessage(m.messageType(), m.data());
                    }
                } catch (IOException | RuntimeException e) {
                    endings.add(e.toString());
                    throw e;
                } finally {
                    running.decrementAndGet();
                }
            });
        }
    };

    @Test
    void thousandConcurrentConnectionsEchoAndReleaseEverything() throws Exception {
        try (TestServer server = TestServer.start(container(), echo, CONNECTIONS + 100)) {
            long fdsBefore = openFds();
            HttpClient http = HttpClient.newHttpClient();
            List<JdkClient> clients = new ArrayList<>();
            List<CompletableFuture<java.net.http.WebSocket>> opening = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                JdkClient c = new JdkClient();
                clients.add(c);
                opening.add(http.newWebSocketBuilder().buildAsync(URI.create(server.wsUri()), c));
                if (i % 100 == 99) {
                    CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                }
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.get(i).ws = opening.get(i).get(60, TimeUnit.SECONDS);
            }
            // Undertow runs init() on a worker after the 101 went out, so the last ones may still be starting.
            for (int i = 0; i < 200 && running.get() < CONNECTIONS; i++) {
                Thread.sleep(100);
            }
            assertThat(running.get()).as(() -> "every connection is open at once (handlers started: " + started.get()
                    + "; ended with: " + endings + "; upgrade threads:\n" + upgradeThreads()).isEqualTo(CONNECTIONS);
            if (!Boolean.getBoolean("conduit.test.virtualThreads")) {
                assertThat(handlerThreads()).as("each holds a platform container thread").isEqualTo(CONNECTIONS);
            }

            for (int i = 0; i < CONNECTIONS; i++) {
                clients.get(i).ws.sendText("m" + i, true);
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                assertThat(clients.get(i).next()).isEqualTo("m" + i);
            }
            for (JdkClient c : clients) {
                c.ws.sendClose(1000, "");
            }
            for (JdkClient c : clients) {
                assertThat(c.awaitCloseCode()).isEqualTo(1000);
            }

            assertThat(eventually(running::get, 0)).as("handlers running after close").isZero();
            assertThat(eventually(ManyConnectionsTest::handlerThreads, 0)).as("threads inside init() after close").isZero();
            long fdsAfter = eventually(ManyConnectionsTest::openFds, fdsBefore);
            assertThat(fdsAfter).as("open sockets after close (before: %d)", fdsBefore)
                    .isLessThanOrEqualTo(fdsBefore + 10);
            assertThat(TransportRuntime.turnedOff()).as("the takeover survived the ramp").isNull();
        }
    }

    /** The stacks of the threads inside the upgrade handler's init() and of the read loops, for a failure message. */
    static String upgradeThreads() {
        StringBuilder sb = new StringBuilder();
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            String stack = java.util.Arrays.toString(t.getStackTrace());
            if (stack.contains("WebSocketUpgradeHandler.init") && !stack.contains("Conn.readMessage")
                    || t.getThreadName().contains("read-loop")) {
                sb.append(t.getThreadName()).append(' ').append(t.getThreadState()).append('\n');
                for (StackTraceElement e : t.getStackTrace()) {
                    sb.append("    ").append(e).append('\n');
                }
            }
        }
        return sb.toString();
    }

    /** Platform threads currently inside the upgrade handler's init() (virtual threads are not listed). */
    static long handlerThreads() {
        long n = 0;
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            for (StackTraceElement e : t.getStackTrace()) {
                if (e.getClassName().equals(WebSocketUpgradeHandler.class.getName()) && e.getMethodName().equals("init")) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    /**
     * Open socket file descriptors of this process (client and server side). Other descriptors are
     * not counted: Undertow's worker threads keep a cached selector each (epoll and wake-up
     * descriptors) for as long as the idle pool thread lives, which is the container's business.
     */
    static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(ManyConnectionsTest::isSocket).count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isSocket(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString().startsWith("socket:");
        } catch (IOException e) {
            return false; // closed meanwhile
        }
    }

    /** Polls until the value is at most {@code target} or 20 s passed; returns the last value. */
    static long eventually(java.util.function.LongSupplier value, long target) throws InterruptedException {
        long v = value.getAsLong();
        for (int i = 0; i < 200 && v > target; i++) {
            Thread.sleep(100);
            v = value.getAsLong();
        }
        return v;
    }
}
