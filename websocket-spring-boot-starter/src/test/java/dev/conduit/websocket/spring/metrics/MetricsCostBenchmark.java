package dev.conduit.websocket.spring.metrics;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.conn.ConnSettings;
import dev.conduit.websocket.conn.WebSocketConn;
import dev.conduit.websocket.net.SocketNetConn;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The cost of the meters on the message path: a real Conn pair over loopback TCP, the client
 * pipelining small text messages to an echo loop, with the {@link WebSocketMeters} listeners on both
 * sides versus {@link ConnListener#NONE}. Rounds alternate between the two so that machine noise
 * hits both alike; prints messages/s (median of the measured rounds) and bytes allocated per
 * echoed message by the server's echo thread. Not a unit test: run with
 * {@code -Dconduit.bench=true} (see docs/metrics.md).
 */
@EnabledIfSystemProperty(named = "conduit.bench", matches = "true")
class MetricsCostBenchmark {
    private static final int MESSAGES = Integer.getInteger("conduit.bench.messages", 200_000);
    private static final int SIZE = Integer.getInteger("conduit.bench.size", 64);
    private static final int WARMUP = 3;
    private static final int ROUNDS = Integer.getInteger("conduit.bench.rounds", 7);

    @Test
    void metricsOnVersusOff() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ConnListener serverOn = WebSocketMeters.server(registry).listener("/bench");
        ConnListener clientOn = WebSocketMeters.client(registry).listener("/bench");
        List<double[]> off = new ArrayList<>();
        List<double[]> on = new ArrayList<>();
        for (int round = 0; round < WARMUP + ROUNDS; round++) {
            double[] a = run(ConnListener.NONE, ConnListener.NONE);
            double[] b = run(serverOn, clientOn);
            if (round >= WARMUP) {
                off.add(a);
                on.add(b);
            }
        }
        double offRate = median(off, 0);
        double onRate = median(on, 0);
        System.out.printf(Locale.ROOT, "metrics-cost: %d x %d-byte text messages echoed per round, %d rounds, Java %s%n",
                MESSAGES, SIZE, ROUNDS, Runtime.version());
        System.out.printf(Locale.ROOT, "metrics-cost: off %.0f msg/s, echo thread %.1f B allocated/msg, %.0f ns CPU/msg%n",
                offRate, median(off, 1), median(off, 2));
        System.out.printf(Locale.ROOT, "metrics-cost: on  %.0f msg/s, echo thread %.1f B allocated/msg, %.0f ns CPU/msg%n",
                onRate, median(on, 1), median(on, 2));
        System.out.printf(Locale.ROOT, "metrics-cost: on/off throughput %.3f; rounds off %s on %s%n", onRate / offRate,
                rates(off), rates(on));
        System.out.printf(Locale.ROOT, "metrics-cost: server received %s messages with metrics on%n",
                registry.get("websocket.server.messages.received").tag("type", "text").summary().count());
    }

    /** The listener alone, on one thread: what one event costs (a message read recorded in a summary). */
    @Test
    void costOfOneEvent() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ConnListener listener = WebSocketMeters.server(registry).listener("/bench").perConnection();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int n = 5_000_000;
        double[] ns = new double[ROUNDS];
        double[] bytes = new double[ROUNDS];
        for (int round = -WARMUP; round < ROUNDS; round++) {
            long a0 = mx.getCurrentThreadAllocatedBytes();
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                listener.messageRead(WebSocket.TEXT_MESSAGE, i & 1023);
            }
            long t = mx.getCurrentThreadCpuTime() - t0;
            long a = mx.getCurrentThreadAllocatedBytes() - a0;
            if (round >= 0) {
                ns[round] = (double) t / n;
                bytes[round] = (double) a / n;
            }
        }
        Arrays.sort(ns);
        Arrays.sort(bytes);
        System.out.printf(Locale.ROOT, "metrics-cost: one messageRead event with metrics: %.1f ns CPU, %.3f B allocated (median of %d x %d)%n",
                ns[ROUNDS / 2], bytes[ROUNDS / 2], ROUNDS, n);
    }

    /** @return {messages per second, bytes allocated per message by the echo thread, its CPU ns per message} */
    private static double[] run(ConnListener serverListener, ConnListener clientListener) throws Exception {
        try (ServerSocket listen = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket clientSocket = new Socket(InetAddress.getLoopbackAddress(), listen.getLocalPort());
            Socket serverSocket = listen.accept();
            Conn server = WebSocketConn.open(new SocketNetConn(serverSocket), ConnSettings.server().listener(serverListener));
            Conn client = WebSocketConn.open(new SocketNetConn(clientSocket), ConnSettings.client().listener(clientListener));
            AtomicLong allocated = new AtomicLong();
            AtomicLong cpu = new AtomicLong();
            Thread echo = new Thread(() -> {
                com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long start = mx.getCurrentThreadAllocatedBytes();
                long cpuStart = mx.getCurrentThreadCpuTime();
                try {
                    for (int i = 0; i < MESSAGES; i++) {
                        Message m = server.readMessage();
                        server.writeMessage(m.messageType(), m.data());
                    }
                    allocated.set(mx.getCurrentThreadAllocatedBytes() - start);
                    cpu.set(mx.getCurrentThreadCpuTime() - cpuStart);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "bench-echo");
            byte[] payload = new byte[SIZE];
            Arrays.fill(payload, (byte) 'x');
            long t0 = System.nanoTime();
            echo.start();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < MESSAGES; i++) {
                        client.writeMessage(WebSocket.TEXT_MESSAGE, payload);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "bench-writer");
            writer.start();
            for (int i = 0; i < MESSAGES; i++) {
                client.readMessage();
            }
            long elapsed = System.nanoTime() - t0;
            writer.join();
            echo.join();
            client.close();
            server.close();
            return new double[] {MESSAGES * 1e9 / elapsed, (double) allocated.get() / MESSAGES, (double) cpu.get() / MESSAGES};
        }
    }

    private static double median(List<double[]> rounds, int index) {
        double[] v = rounds.stream().mapToDouble(r -> r[index]).sorted().toArray();
        return v[v.length / 2];
    }

    private static String rates(List<double[]> rounds) {
        return rounds.stream().map(r -> String.format(Locale.ROOT, "%.0f", r[0])).toList().toString();
    }
}
