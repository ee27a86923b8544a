package dev.conduit.bench.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conduit.websocket.Conn;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Idle connections: heap (after a full GC) and RSS of the server before any connection and with
 * {@code counts} connections open to {@code /echo} with no traffic; the per-connection cost is the
 * difference divided by the count. The connections are opened cumulatively (5,000, then 5,000 more).
 */
final class IdleLoad {
    List<ObjectNode> run(URI url, int[] counts, ServerProcess server, String label) throws Exception {
        List<ObjectNode> out = new ArrayList<>();
        List<Conn> conns = new ArrayList<>();
        long heap0 = server.heapAfterGc();
        long rss0 = server.rssBytes();
        try {
            for (int count : counts) {
                conns.addAll(Clients.dial(url, count - conns.size(), 64));
                // Let the server finish setting every connection up (handler threads started, buffers allocated).
                Thread.sleep(3000);
                long heap = server.heapAfterGc();
                long rss = server.rssBytes();
                ObjectNode r = Results.record(label, "idle-" + count);
                r.put("connections", count);
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
}
