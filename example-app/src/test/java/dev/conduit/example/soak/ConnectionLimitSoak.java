package dev.conduit.example.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conduit.websocket.BadHandshakeException;
import dev.conduit.websocket.Conn;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The most connections the defaults allow, on each threading model, against the example app in
 * its own JVM with no conduit.websocket.* or server.tomcat.* property set:
 * <ul>
 *   <li>Java 25, virtual threads: the starter's limit is 10,000 (and it raises Tomcat's socket limit,
 *       8192 by default, to 11,000). All 10,000 are open at once and each echoes a checksummed message
 *       while the server's platform threads stay flat.</li>
 *   <li>Java 17, platform threads: the starter's limit is 1,000 and it raises Tomcat's pool
 *       ({@code server.tomcat.threads.max}, 200 by default) to 1,200, since each open connection holds
 *       one pool thread. All 1,000 echo, each holding a thread.</li>
 * </ul>
 * In both, the next connection gets 503 with Retry-After at once (no hang), the open ones keep
 * echoing, and after they close the server's threads, descriptors and heap after GC return to the
 * baseline taken before the load.
 */
class ConnectionLimitSoak {
    static final int DIAL_THREADS = 4;

    @Test
    void java25TenThousandConnectionsEachEchoOnVirtualThreadsAndTheNextGets503() throws Exception {
        Jdk jdk = Jdk.java25();
        try (SoakServer server = SoakServer.start(jdk, "java25-connections")) {
            assertThat(Files.readString(server.log())).contains("handlers run on virtual threads (Java 25)");
            int limit = fillToTheLimitAndRefuseOneMore(server, 10_000, true);
            SoakClient.record("connections java" + jdk.feature() + " virtual threads: " + limit
                    + " open at once, each echoed 2 checksummed messages; connection " + (limit + 1) + " got 503");
        }
    }

    @Test
    void java17TheDefaultLimitOfOneThousandConnectionsEachEchoAndTheNextGets503() throws Exception {
        Jdk jdk = Jdk.java17();
        try (SoakServer server = SoakServer.start(jdk, "java17-connections")) {
            assertThat(Files.readString(server.log())).contains(
                    "each open connection holds a platform thread of the Tomcat pool (server.tomcat.threads.max=1200)",
                    "spring.threads.virtual.enabled has no effect on Java 17");
            int limit = fillToTheLimitAndRefuseOneMore(server, 1_000, false);
            SoakClient.record("connections java" + jdk.feature() + " platform threads: " + limit
                    + " open at once, each echoed 2 checksummed messages; connection " + (limit + 1) + " got 503");
        }
    }

    /**
     * Opens as many connections as the server's limit, checks each echoes, that one more is refused
     * and the rest still echo, closes them all and checks the server is back to its baseline.
     *
     * @return the limit
     */
    private static int fillToTheLimitAndRefuseOneMore(SoakServer server, int documentedLimit, boolean virtual)
            throws Exception {
        ResourceUse baseline = SoakClient.warmUpAndMeasureBaseline(server);
        JsonNode before = SoakClient.websockets(server);
        int limit = before.path("maxConnections").asInt();
        assertThat(limit).as("the starter's default limit (docs/spring-boot-starter.md)").isEqualTo(documentedLimit);

        long start = System.nanoTime();
        List<Conn> conns = SoakClient.open(server.uri("/echo"), limit, DIAL_THREADS);
        long openedMillis = (System.nanoTime() - start) / 1_000_000;
        try {
            assertThat(SoakClient.awaitActive(server, limit)).as("the server's count of open connections").isEqualTo(limit);
            int fds = server.fds();
            int threads = server.threads();
            assertThat(fds).as("server descriptors with every connection open").isGreaterThanOrEqualTo(baseline.fds() + limit);
            if (virtual) {
                assertThat(threads).as("server platform threads with %d connections on virtual threads", limit)
                        .isLessThan(baseline.threads() + 100);
            } else {
                assertThat(SoakClient.threadsInHandlers(server)).as("platform threads inside /echo").isEqualTo(limit);
            }
            SoakClient.echoRound(conns, 0);

            BadHandshakeException refused = catchThrowableOfType(BadHandshakeException.class,
                    () -> SoakClient.DIALER.dial(server.uri("/echo")).close());
            assertThat(refused).as("connection %d", limit + 1).isNotNull();
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.headers()).containsKey("Retry-After");

            SoakClient.echoRound(conns, 1);
            assertThat(SoakClient.websockets(server).path("activeConnections").asInt()).isEqualTo(limit);
            long heap = server.heapAfterGc();
            SoakClient.record(String.format("peak: %d connections opened in %d ms; server %d platform threads,"
                    + " %d fds, %,d KiB heap after GC (baseline %s)", limit, openedMillis, threads, fds, heap >> 10, baseline));
        } finally {
            SoakClient.closeAll(conns, DIAL_THREADS);
        }

        assertThat(SoakClient.awaitActive(server, 0)).as("open connections after closing").isZero();
        assertThat(SoakClient.threadsInHandlers(server)).as("platform threads inside /echo after closing").isZero();
        // Java 17: Tomcat retires idle pool threads above its 10 spare ones after 60 s (its maxIdleTime).
        ResourceUse after = server.awaitBaseline(baseline, TOLERANCE, virtual ? 60 : 120);
        System.out.println("baseline: " + baseline + "; after: " + after);
        assertThat(after.within(baseline, TOLERANCE)).as("after %s vs baseline %s (tolerance %s)", after, baseline, TOLERANCE)
                .isTrue();
        return limit;
    }

    /**
     * Growth allowed after the load: a few threads and descriptors, 8 MiB of heap (measured: within
     * 1 MiB). One connection's buffers and objects take about 35 KiB, so 8 MiB catches a leak of
     * 1 KiB per connection at 10,000 connections, and of 2 bytes per message in the message soak.
     */
    static final ResourceUse TOLERANCE = new ResourceUse(8, 8, 8L << 20);
}
