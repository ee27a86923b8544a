package dev.conduit.websocket.server;

import dev.conduit.websocket.Message;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Not a test: measures what open connections cost the server (docs/server-threads.md).
 * <ol>
 *   <li>idle: N connections opened by a child JVM stay idle for 10 s; reports the server's
 *       process CPU, platform thread count and heap per connection;</li>
 *   <li>pending: one connection whose handler does not read for 2 s while the client has sent
 *       64 KiB (and 1 MiB); reports the process CPU meanwhile (a spinning container shows ~2 s).</li>
 * </ol>
 * Tomcat on platform threads (maxThreads N+100) or, with {@code -Dconduit.test.virtualThreads=true}
 * (Java 21+), on virtual threads. Run: see docs/server-threads.md.
 */
public final class ServerThreadsBenchmark {
    static final AtomicInteger RUNNING = new AtomicInteger();
    static final Upgrader UPGRADER = Upgrader.builder().build();
    static volatile long pendingSleepMs;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        HttpServlet servlet = new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                boolean sleeper = "sleep".equals(req.getParameter("mode"));
                UPGRADER.upgrade(req, resp, null, conn -> {
                    RUNNING.incrementAndGet();
                    try {
                        if (sleeper) {
                            Thread.sleep(pendingSleepMs); // not reading while the client's bytes wait
                        }
                        while (true) {
                            Message m = conn.readMessage();
                            conn.writeMessage(m.messageType(), m.data());
                        }
                    } finally {
                        RUNNING.decrementAndGet();
                    }
                });
            }
        };
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var threads = ManagementFactory.getThreadMXBean();
        System.out.printf("java %s, Tomcat %s, virtual threads: %s, connections: %d%n", System.getProperty("java.version"),
                org.apache.catalina.util.ServerInfo.getServerNumber(), Boolean.getBoolean("conduit.test.virtualThreads"), n);
        try (EmbeddedTomcat server = new EmbeddedTomcat(servlet, n + 100)) {
            // Warm up the upgrade path once, then take the baseline.
            runPending(server, os, 0, 16);
            long heap0 = usedHeapAfterGc();
            int threads0 = threads.getThreadCount();
            long rss0 = rssKb();

            Process clients = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"), IdleClients.class.getName(),
                    Integer.toString(server.port()), Integer.toString(n))
                    .redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(clients.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (!"ready".equals(line)) {
                throw new IllegalStateException("clients: " + line);
            }
            while (RUNNING.get() < n) {
                Thread.sleep(50);
            }
            Thread.sleep(1000);
            long heap1 = usedHeapAfterGc();
            int threads1 = threads.getThreadCount();
            long rss1 = rssKb();
            long cpu0 = os.getProcessCpuTime();
            Thread.sleep(10_000);
            long cpu1 = os.getProcessCpuTime();
            System.out.printf("idle %d connections for 10 s: process CPU %d ms, platform threads %d -> %d,"
                            + " heap %.1f MiB -> %.1f MiB (%.1f KB per connection)%n",
                    n, (cpu1 - cpu0) / 1_000_000, threads0, threads1, heap0 / 1048576.0, heap1 / 1048576.0,
                    (heap1 - heap0) / 1000.0 / n);
            clients.getOutputStream().close(); // the child closes its sockets and exits
            clients.waitFor();
            long until = System.currentTimeMillis() + 30_000;
            while (RUNNING.get() > 0 && System.currentTimeMillis() < until) {
                Thread.sleep(50);
            }
            System.out.printf("resident memory (RSS, includes thread stacks) %.1f MiB -> %.1f MiB (%.1f KB per connection)%n",
                    rss0 / 1024.0, rss1 / 1024.0, (rss1 - rss0) * 1.024 / n);
            System.out.printf("after the clients left: handlers running %d, platform threads %d%n", RUNNING.get(),
                    threads.getThreadCount());

            for (int size : new int[] {64 * 1024, 1024 * 1024}) {
                runPending(server, os, 2000, size);
            }
        }
    }

    /** One connection whose handler sleeps while {@code size} bytes (one binary frame) wait unread. */
    static void runPending(EmbeddedTomcat server, com.sun.management.OperatingSystemMXBean os, long sleepMs, int size)
            throws Exception {
        pendingSleepMs = sleepMs;
        RawHttp r = RawHttp.exchange(server.port(), RawHttp.validRequest(server.port()).replace("GET /ws", "GET /ws?mode=sleep"));
        try (Socket s = r.socket) {
            byte[] frame = maskedBinaryFrame(size);
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            Thread writer = new Thread(() -> {
                try {
                    s.getOutputStream().write(frame);
                    s.getOutputStream().flush();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            writer.start();
            // the echo arrives once the handler wakes up and reads
            s.getInputStream().readNBytes(size + (size < 126 ? 2 : size < 65536 ? 4 : 10));
            long cpu1 = os.getProcessCpuTime();
            writer.join();
            if (sleepMs > 0) {
                System.out.printf("handler not reading for %d ms with %d bytes pending: process CPU %d ms"
                        + " (wall %d ms, includes the echo)%n", sleepMs, size, (cpu1 - cpu0) / 1_000_000,
                        (System.nanoTime() - t0) / 1_000_000);
            }
        }
    }

    static byte[] maskedBinaryFrame(int size) {
        int header = size < 126 ? 2 : size < 65536 ? 4 : 10;
        byte[] f = new byte[header + 4 + size];
        f[0] = (byte) 0x82;
        if (size < 126) {
            f[1] = (byte) (0x80 | size);
        } else if (size < 65536) {
            f[1] = (byte) (0x80 | 126);
            f[2] = (byte) (size >> 8);
            f[3] = (byte) size;
        } else {
            f[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                f[2 + i] = (byte) ((long) size >> (56 - 8 * i));
            }
        }
        // mask key 0: the payload goes as is
        return f;
    }

    static long rssKb() throws IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** The child JVM: opens N upgraded connections and keeps them idle until stdin closes. */
    public static final class IdleClients {
        public static void main(String[] args) throws Exception {
            int port = Integer.parseInt(args[0]);
            int n = Integer.parseInt(args[1]);
            List<Socket> sockets = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                RawHttp r = RawHttp.exchange(port, RawHttp.validRequest(port));
                if (r.status != 101) {
                    System.out.println("status " + r.status);
                    return;
                }
                r.socket.setSoTimeout(0);
                sockets.add(r.socket);
            }
            System.out.println("ready");
            System.out.flush();
            System.in.read(); // until the parent closes our stdin
            for (Socket s : sockets) {
                OutputStream o = s.getOutputStream();
                o.write(new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE8}); // close 1000
                o.flush();
                s.close();
            }
        }
    }
}
