package dev.conduit.bench.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop echo: each connection sends a message, waits for it to come back, and sends the next,
 * for a warm-up and then a measured period. Reports round trips per second, payload MB/s (one way),
 * round-trip p50/p99 and the server's CPU seconds per round trip.
 */
final class EchoLoad {
    private volatile boolean measuring;
    private volatile boolean stop;
    private final LongAdder roundTrips = new LongAdder();

    ObjectNode run(URI url, int connections, int size, boolean text, int warmupSeconds, int seconds,
                   ServerProcess server, String label) throws Exception {
        List<Conn> conns = Clients.dial(url, connections, 16);
        List<Histogram> histograms = new ArrayList<>();
        List<Future<?>> loops = new ArrayList<>();
        double cpu0;
        double cpu1;
        long t0;
        long t1;
        try (Threads ex = Threads.perTask()) {
          try {
            for (Conn c : conns) {
                Histogram h = new Histogram(60_000_000_000L, 3);
                histograms.add(h);
                loops.add(ex.submit(() -> {
                    loop(c, size, text, h);
                    return null;
                }));
            }
            Thread.sleep(warmupSeconds * 1000L);
            cpu0 = server.cpuSeconds();
            t0 = System.nanoTime();
            measuring = true;
            Thread.sleep(seconds * 1000L);
            measuring = false;
            t1 = System.nanoTime();
            cpu1 = server.cpuSeconds();
            stop = true;
            for (Future<?> f : loops) {
                f.get();
            }
          } finally {
            // Unblocks any loop still waiting for an echo, so that closing the executor cannot hang.
            stop = true;
            Clients.closeAll(conns);
          }
        }
        Histogram all = new Histogram(60_000_000_000L, 3);
        histograms.forEach(all::add);
        double elapsed = (t1 - t0) / 1e9;
        long n = roundTrips.sum();
        double cpu = cpu1 - cpu0;
        ObjectNode r = Results.record(label, (text ? "echo-text-" : "echo-binary-") + size);
        r.put("connections", connections);
        r.put("size", size);
        r.put("seconds", elapsed);
        r.put("roundTrips", n);
        r.put("messagesPerSecond", n / elapsed);
        r.put("payloadMBps", n * (double) size / elapsed / 1e6);
        r.put("p50us", all.getValueAtPercentile(50) / 1000.0);
        r.put("p99us", all.getValueAtPercentile(99) / 1000.0);
        r.put("serverCpuSeconds", cpu);
        r.put("serverCpuMicrosPerMessage", n == 0 ? 0 : cpu / n * 1e6);
        r.put("messagesPerServerCpuSecond", cpu == 0 ? 0 : n / cpu);
        return r;
    }

    private void loop(Conn c, int size, boolean text, Histogram h) throws Exception {
        byte[] payload = new byte[size];
        Arrays.fill(payload, (byte) 'x');
        int type = text ? WebSocket.TEXT_MESSAGE : WebSocket.BINARY_MESSAGE;
        while (!stop) {
            long start = System.nanoTime();
            c.writeMessage(type, payload);
            Message m = c.readMessage();
            long rtt = System.nanoTime() - start;
            if (m.data().length != size || m.messageType() != type) {
                throw new IllegalStateException("echo came back as type " + m.messageType() + ", "
                        + m.data().length + " bytes");
            }
            if (measuring) {
                roundTrips.increment();
                h.recordValue(Math.min(rtt, h.getHighestTrackableValue()));
            }
        }
    }
}
