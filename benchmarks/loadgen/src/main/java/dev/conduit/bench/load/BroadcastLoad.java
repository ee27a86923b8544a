package dev.conduit.bench.load;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.WebSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Broadcast: {@code receivers} connections to {@code /broadcast}; one of them sends {@code messages}
 * text messages back to back and the server writes each to every connection (the sender included).
 * A round ends when the last receiver has all of them; deliveries/s = receivers x messages / that
 * time. Warm-up rounds first, then measured rounds; the median measured round is reported.
 */
final class BroadcastLoad {
    private static final long ROUND_TIMEOUT_SECONDS = 120;

    ObjectNode run(URI url, int receivers, int messages, int size, int warmupRounds, int rounds,
                   ServerProcess server, String label) throws Exception {
        List<Conn> conns = Clients.dial(url, receivers, 32);
        // A server may join a connection to its broadcast group only after the 101 went out (ours
        // starts the handler then, and on Tomcat first takes the connection from Tomcat's poller);
        // a message broadcast before a receiver joined never reaches it. Give every server time to
        // finish setting the connections up, as the idle load does.
        Thread.sleep(3000);
        int totalRounds = warmupRounds + rounds;
        CountDownLatch[] done = new CountDownLatch[totalRounds];
        AtomicLong[] lastArrival = new AtomicLong[totalRounds];
        for (int i = 0; i < totalRounds; i++) {
            done[i] = new CountDownLatch(receivers);
            lastArrival[i] = new AtomicLong();
        }
        double[] seconds = new double[rounds];
        double cpu = 0;
        try (Threads ex = Threads.perTask()) {
          try {
            for (Conn c : conns) {
                ex.submit(() -> {
                    receive(c, messages, totalRounds, done, lastArrival);
                    return null;
                });
            }
            byte[] payload = new byte[size];
            Arrays.fill(payload, (byte) 'b');
            Conn sender = conns.get(0);
            for (int round = 0; round < totalRounds; round++) {
                double cpu0 = server.cpuSeconds();
                long start = System.nanoTime();
                for (int m = 0; m < messages; m++) {
                    sender.writeMessage(WebSocket.TEXT_MESSAGE, payload);
                }
                if (!done[round].await(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("broadcast round " + round + ": " + done[round].getCount()
                            + " of " + receivers + " receivers incomplete after " + ROUND_TIMEOUT_SECONDS + " s");
                }
                double cpu1 = server.cpuSeconds();
                if (round >= warmupRounds) {
                    seconds[round - warmupRounds] = (lastArrival[round].get() - start) / 1e9;
                    cpu += cpu1 - cpu0;
                }
                Thread.sleep(200);
            }
          } finally {
            // Ends the receivers' reads, so that closing the executor does not wait forever.
            Clients.closeAll(conns);
          }
        }
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        long deliveries = (long) receivers * messages;
        ObjectNode r = Results.record(label, "broadcast");
        r.put("receivers", receivers);
        r.put("messages", messages);
        r.put("size", size);
        r.put("lastReceiverSeconds", median);
        r.put("deliveriesPerSecond", deliveries / median);
        ArrayNode each = r.putArray("roundSeconds");
        for (double s : seconds) {
            each.add(s);
        }
        r.put("serverCpuMicrosPerDelivery", cpu / (deliveries * (double) rounds) * 1e6);
        return r;
    }

    private static void receive(Conn c, int messages, int rounds, CountDownLatch[] done, AtomicLong[] lastArrival)
            throws Exception {
        for (int round = 0; round < rounds; round++) {
            for (int m = 0; m < messages; m++) {
                c.readMessage();
            }
            long now = System.nanoTime();
            lastArrival[round].accumulateAndGet(now, Math::max);
            done[round].countDown();
        }
    }
}
