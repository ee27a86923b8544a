package dev.conduit.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.client.Dialer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A DevTools restart or a redeployed WAR closes the application context and starts a new one: the
 * threads the library started for the old one (read loops, the takeover's poller watch, the
 * keep-alive timer) must stop with it, or they keep its class loader alive. Twenty closed and
 * recreated contexts, each with a supervised connection taken over from Tomcat: the number of live
 * threads stays flat and no thread of the library is left.
 */
class ContextRestartThreadsIntegrationTests {
    private static final int RESTARTS = 20;
    private static Set<Thread> before = Set.of();

    @Test
    void closingTheContextStopsEveryThreadTheLibraryStartedForIt() throws Exception {
        // Upgraders that other test classes of this JVM built and never closed keep their threads:
        // only the threads started from here on count.
        before = Set.copyOf(Thread.getAllStackTraces().keySet());
        int warmThreads = 0;
        for (int i = 0; i < RESTARTS; i++) {
            runOnce();
            if (i == 2) {
                warmThreads = settledThreadCount();
            }
        }
        assertThat(libraryThreads()).as("library threads left after the contexts closed").isEmpty();
        int threads = settledThreadCount();
        assertThat(threads).as("live threads after %d restarts (after 3: %d): %s", RESTARTS, warmThreads, threadNames())
                .isLessThanOrEqualTo(warmThreads + 2);
        // The closed contexts themselves stay reachable through statics outside this library (measured:
        // also with conduit.websocket.enabled=false); ServerTransportClassLoaderTest in the core checks
        // that a closed transport leaves its class loader collectable.
    }

    private static void runOnce() throws Exception {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(TestApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "conduit.websocket.ping-interval=10s", "conduit.websocket.read-loops=2")
                .run("--conduit.websocket.transport=auto"); // over CI's takeover-off pass (a system property)
        try {
            int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
            Conn conn = Dialer.builder().handshakeTimeout(Duration.ofSeconds(10)).build()
                    .dial(URI.create("ws://127.0.0.1:" + port + "/open/echo"));
            conn.writeMessage(WebSocket.TEXT_MESSAGE, "hi".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(conn.readMessage().data(), StandardCharsets.UTF_8)).isEqualTo("hi");
            assertThat(currentLibraryThreads()).as("threads of a running context").anyMatch(n -> n.contains("read-loop"))
                    .anyMatch(n -> n.contains("supervisor"));
            conn.close(WebSocket.CLOSE_NORMAL_CLOSURE, "", Duration.ofSeconds(5));
        } finally {
            app.close();
        }
    }

    /** The library's threads, waited for (bounded) to end; the client's write-deadline timer ends on its own. */
    private static List<String> libraryThreads() throws InterruptedException {
        List<String> names = List.of();
        for (int i = 0; i < 50; i++) {
            names = currentLibraryThreads();
            if (names.isEmpty()) {
                break;
            }
            Thread.sleep(100);
        }
        return names;
    }

    private static List<String> currentLibraryThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t)).map(Thread::getName)
                .filter(n -> n.startsWith("conduit-websocket-") && !n.equals("conduit-websocket-write-deadline"))
                .toList();
    }

    /** The live thread count once threads that are ending (Tomcat's pool, the client's timer) have ended. */
    private static int settledThreadCount() throws InterruptedException {
        int last = Integer.MAX_VALUE;
        for (int i = 0; i < 30; i++) {
            int now = Thread.activeCount();
            if (now == last) {
                return now;
            }
            last = now;
            Thread.sleep(200);
        }
        return last;
    }

    private static String threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted()
                .collect(Collectors.joining(", "));
    }
}
