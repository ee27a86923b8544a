package dev.conduit.bench.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

/**
 * Idle connections: heap (after a full GC) and RSS of the server before any connection and with
 * {@code counts} connections open to {@code /echo} with no traffic; the per-connection cost is the
 * difference divided by the count. The connections are opened cumulatively (5,000, then 5,000 more).
 * <p>
 * With {@code warmup} &gt; 0 the server first serves that many short connections (open, one echo,
 * closing handshake; {@value #PARALLEL} at a time), as the other loads warm up before they measure: a fresh
 * JVM runs its first connections' code interpreted, and a thread parked in interpreted frames keeps
 * them (a parked virtual thread's stack is on the heap). {@value #PARALLEL} at a time bounds what
 * the container may cache of the closed connections (Tomcat keeps closed connections' channels
 * and buffers for reuse) to {@value #PARALLEL} connections' worth, which is part of the baseline and
 * which the first idle connections take back.
 */
final class IdleLoad {
    private static final int PARALLEL = 64;

    /**
     * @param histograms where to write the server's class histograms with no connection and at each
     *                   count ({@code LABEL-SCENARIO.txt}, {@code LABEL-idle[-warm]-0.txt}), or null;
     *                   {@code benchmarks/memory/histogram-diff.py} turns two into bytes per connection
     */
    List<ObjectNode> run(URI url, int[] counts, int warmup, ServerProcess server, String label, Path histograms)
            throws Exception {
        if (warmup > 0) {
            churn(url, warmup);
            Thread.sleep(3000); // the server finishes closing them
        }
        String scenario = warmup > 0 ? "idle-warm-" : "idle-";
        List<ObjectNode> out = new ArrayList<>();
        List<Conn> conns = new ArrayList<>();
        long heap0 = server.heapAfterGc();
        long rss0 = server.rssBytes();
        histogram(server, histograms, label + "-" + scenario + "0");
        try {
            for (int count : counts) {
                conns.addAll(Clients.dial(url, count - conns.size(), PARALLEL));
                // Let the server finish setting every connection up (handler threads started, buffers allocated).
                Thread.sleep(3000);
                long heap = server.heapAfterGc();
                long rss = server.rssBytes();
                histogram(server, histograms, label + "-" + scenario + count);
                ObjectNode r = Results.record(label, scenario + count);
                r.put("connections", count);
                r.put("warmupConnections", warmup);
                r.put("heapBaseline", heap0);
                r.put("heap", heap);
                r.put("rssBaseline", rss0);
                r.put("rss", rss);
                r.put("heapBytesPerConnection", (heap - heap0) / (double) count);
                r.put("rssBytesPerConnection", (rss - rss0) / (double) count);
                out.add(r);
                Results.append(Main.resultsFile, r);
            }
        } finally {
            Clients.closeAll(conns);
        }
        return out;
    }

    private static void histogram(ServerProcess server, Path dir, String name) throws Exception {
        if (dir != null) {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name + ".txt"), server.classHistogram());
        }
    }

    /** Opens {@code total} connections, {@value #PARALLEL} at a time, each echoing one message before it closes. */
    private static void churn(URI url, int total) throws Exception {
        byte[] hello = "warm".getBytes(StandardCharsets.UTF_8);
        List<Future<Void>> done = Clients.run(total, PARALLEL, () -> {
            try (Conn c = Clients.DIALER.dial(url)) {
                c.writeMessage(WebSocket.TEXT_MESSAGE, hello);
                Message echo = c.readMessage();
                if (echo.data().length != hello.length) {
                    throw new IllegalStateException("warm-up echo came back with " + echo.data().length + " bytes");
                }
                c.close(WebSocket.CLOSE_NORMAL_CLOSURE, "", Duration.ofSeconds(10)); // as a polite client does
                return null;
            }
        });
        for (Future<Void> f : done) {
            f.get(); // a failed warm-up fails the load: its figures would not be warm
        }
    }
}
