package dev.conduit.example.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The example app, with its defaults, in its own JVM, attacked as a single hostile client would:
 * plain sockets, no Spring. After each attack the server holds no connection slot, its threads,
 * descriptors and heap are back to the baseline, and {@code /echo} still answers. Shutdown with
 * stuck peers comes last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AbuseIntegrationTests {
    /**
     * What may stay after an attack: the threads Tomcat's pool grew to (they go after a minute
     * idle), a few descriptors, some heap.
     */
    private static final ResourceUse TOLERANCE = new ResourceUse(48, 16, 24L * 1024 * 1024);
    private static final String UPGRADE = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

    private static SoakServer server;
    private static ResourceUse baseline;

    @BeforeAll
    static void start() throws Exception {
        server = SoakServer.start(Jdk.running(), "abuse");
        baseline = SoakClient.warmUpAndMeasureBaseline(server);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void everythingIsReleasedAndEchoStillAnswers() throws Exception {
        if (!server.awaitExit(0)) {
            assertThat(SoakClient.awaitActive(server, 0)).as("connection slots held").isZero();
            ResourceUse now = server.awaitBaseline(baseline, TOLERANCE, 60);
            assertThat(now.within(baseline, TOLERANCE)).as("server %s, baseline %s", now, baseline).isTrue();
            echoAnswers();
        }
    }

    @Test
    @Order(1)
    void thousandsOfRequestsThatDoNotUpgradeEachGetA4xxAndHoldNothing() throws Exception {
        List<String> heads = List.of(
                "GET /echo HTTP/1.1\r\n",
                "GET /chat?a=%zz HTTP/1.1\r\n",
                "GET /echo?a=%zz HTTP/1.1\r\n" + UPGRADE,
                "GET /echo HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n",
                "GET /chat HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n",
                "GET /chat HTTP/1.1\r\n" + UPGRADE + "Origin: https://evil.example\r\n",
                "POST /echo HTTP/1.1\r\nContent-Length: 0\r\n" + UPGRADE,
                "GET /ec\u0001ho HTTP/1.1\r\n");
        Map<String, AtomicInteger> notClientErrors = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                String head = heads.get(i % heads.size());
                done.add(pool.submit(() -> {
                    int status = status(head);
                    if (status < 400 || status > 499) {
                        notClientErrors.computeIfAbsent(head.lines().findFirst().orElse("") + " -> " + status,
                                k -> new AtomicInteger()).incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(notClientErrors).as("answers other than 4xx").isEmpty();
    }

    @Test
    @Order(2)
    void pingFloodsWithoutReadingCostOnlyTheFloodersConnections() throws Exception {
        List<Socket> flooders = new ArrayList<>();
        List<Thread> floods = new ArrayList<>();
        try {
            for (String path : List.of("/echo", "/chat", "/echo", "/chat")) {
                Socket s = upgrade(path, true);
                flooders.add(s);
                floods.add(flood(s, frame(WebSocket.PING_MESSAGE, new byte[125])));
            }
            echoAnswers(); // while they flood
            for (Thread t : floods) {
                t.join(TimeUnit.SECONDS.toMillis(60));
                assertThat(t.isAlive()).as("a flooder the server did not cut off").isFalse();
            }
        } finally {
            closeAll(flooders);
        }
    }

    @Test
    @Order(3)
    void clientsThatStopReadingMidBroadcastDoNotHoldUpTheOthers() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        List<Conn> readers = SoakClient.open(server.uri("/chat"), 10, 4);
        try {
            for (int i = 0; i < 3; i++) {
                stalled.add(upgrade("/chat", true)); // joins the room, never reads
            }
            byte[] text = "x".repeat(16 * 1024).getBytes(StandardCharsets.UTF_8);
            int messages = 200;
            Conn sender = readers.get(0);
            AtomicLong received = new AtomicLong();
            List<Thread> readerThreads = new ArrayList<>();
            for (Conn reader : readers) {
                Thread t = new Thread(() -> {
                    try {
                        for (int i = 0; i < messages; i++) {
                            reader.setReadDeadline(Instant.now().plus(SoakClient.READ_WAIT));
                            Message m = reader.readMessage();
                            if (m.data().length == text.length) {
                                received.incrementAndGet();
                            }
                        }
                    } catch (IOException e) {
                        // counted short below
                    }
                });
                t.start();
                readerThreads.add(t);
            }
            for (int i = 0; i < messages; i++) {
                sender.writeMessage(WebSocket.TEXT_MESSAGE, text);
            }
            for (Thread t : readerThreads) {
                t.join(TimeUnit.SECONDS.toMillis(120));
            }
            assertThat(received.get()).as("broadcasts that reached the readers").isEqualTo((long) messages * readers.size());
        } finally {
            closeAll(stalled);
            SoakClient.closeAll(readers, 4);
        }
    }

    @Test
    @Order(4)
    void slowHandshakesHoldNoSlotAndGoWithoutATrace() throws Exception {
        byte[] request = ("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n" + UPGRADE + "\r\n").getBytes(StandardCharsets.US_ASCII);
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
                slow.add(s);
            }
            for (int b = 0; b < 5; b++) { // one byte a second from each, for five seconds
                for (Socket s : slow) {
                    s.getOutputStream().write(request[b]);
                    s.getOutputStream().flush();
                }
                echoAnswers();
                assertThat(SoakClient.websockets(server).path("activeConnections").asInt(-1)).isZero();
                Thread.sleep(1000);
            }
        } finally {
            closeAll(slow);
        }
    }

    @Test
    @Order(5)
    void abruptResetsMidHandshakeAndMidFrameReleaseEverything() throws Exception {
        for (int i = 0; i < 40; i++) {
            Socket s;
            if (i % 2 == 0) {
                s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
                s.getOutputStream().write("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgr".getBytes(StandardCharsets.US_ASCII));
            } else {
                s = upgrade(i % 4 == 1 ? "/echo" : "/chat", false);
                byte[] f = frame(WebSocket.BINARY_MESSAGE, new byte[1000]);
                s.getOutputStream().write(f, 0, i % 3 == 0 ? 3 : 500); // inside the header, or the payload
            }
            s.getOutputStream().flush();
            s.setSoLinger(true, 0); // RST, not FIN
            s.close();
        }
    }

    @Test
    @Order(100)
    void shutdownWithStuckPeersSendsEveryWellBehavedPeerGoingAwayAtOnce() throws Exception {
        List<Socket> stuck = new ArrayList<>();
        List<Conn> good = SoakClient.open(server.uri("/echo"), 20, 4);
        try {
            for (int i = 0; i < 2; i++) {
                Socket s = upgrade("/echo", true);
                stuck.add(s);
                // 8 MiB the handler reads whole and echoes into a socket nobody reads: its write blocks.
                s.getOutputStream().write(frame(WebSocket.BINARY_MESSAGE, new byte[8 * 1024 * 1024]));
                s.getOutputStream().flush();
                Socket flooder = upgrade("/chat", true);
                stuck.add(flooder);
                flood(flooder, frame(WebSocket.PING_MESSAGE, new byte[125]));
            }
            for (Conn c : good) { // every handler is running
                c.writeMessage(WebSocket.TEXT_MESSAGE, "x".getBytes(StandardCharsets.UTF_8));
                c.setReadDeadline(Instant.now().plus(SoakClient.READ_WAIT));
                assertThat(c.readMessage().text()).isEqualTo("x");
            }
            List<Long> goingAwayNanos = new ArrayList<>();
            List<Thread> waiters = new ArrayList<>();
            long start = System.nanoTime();
            for (Conn c : good) {
                Thread t = new Thread(() -> {
                    try {
                        c.readMessage();
                    } catch (CloseException e) {
                        if (e.code() == WebSocket.CLOSE_GOING_AWAY) {
                            synchronized (goingAwayNanos) {
                                goingAwayNanos.add(System.nanoTime() - start);
                            }
                        }
                    } catch (IOException e) {
                        // no close frame: counted short below
                    }
                });
                t.start();
                waiters.add(t);
            }
            server.terminate();
            for (Thread t : waiters) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertThat(goingAwayNanos).as("well-behaved peers that received 1001").hasSize(good.size());
            long slowestMillis = TimeUnit.NANOSECONDS.toMillis(goingAwayNanos.stream().mapToLong(Long::longValue).max().orElse(0));
            // Not a benchmark: closes sent one after another against one shared deadline would take up to 10 s.
            assertThat(slowestMillis).as("ms from SIGTERM to the last well-behaved peer's 1001").isLessThan(2_000);
            // The shutdown timeout is 10 s; the JVM's own exit comes on top.
            assertThat(server.awaitExit(15)).as("the server exits within the shutdown timeout").isTrue();
            SoakClient.record("abuse: last of 20 well-behaved peers had its 1001 " + slowestMillis + " ms after SIGTERM,"
                    + " with 2 stuck writers and 2 ping flooders connected; the process exited after "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
        } finally {
            closeAll(stuck);
            for (Conn c : good) {
                c.close();
            }
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static void echoAnswers() throws Exception {
        Conn conn = SoakClient.DIALER.dial(server.uri("/echo"));
        try {
            conn.setReadDeadline(Instant.now().plus(SoakClient.READ_WAIT));
            conn.writeMessage(WebSocket.TEXT_MESSAGE, "still here".getBytes(StandardCharsets.UTF_8));
            assertThat(conn.readMessage().text()).isEqualTo("still here");
        } finally {
            conn.close();
        }
    }

    /** One request head on a fresh socket; the answer's status code. */
    private static int status(String head) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            s.setSoTimeout(30_000);
            String close = head.contains("Connection: Upgrade") ? "" : "Connection: close\r\n";
            s.getOutputStream().write((head + "Host: 127.0.0.1:" + server.port() + "\r\n" + close + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
                line.write(b);
            }
            String[] parts = line.toString(StandardCharsets.ISO_8859_1).split(" ");
            return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
        }
    }

    /** An upgraded raw socket; with {@code smallReceiveBuffer} it stops taking data early. */
    private static Socket upgrade(String path, boolean smallReceiveBuffer) throws IOException {
        Socket s = new Socket();
        if (smallReceiveBuffer) {
            s.setReceiveBufferSize(4096);
        }
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        s.setSoTimeout(30_000);
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n" + UPGRADE + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake: " + head);
            }
            head.append((char) b);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
        return s;
    }

    /** Writes {@code frame} over and over until the socket fails (the server cut it off, or the test closed it). */
    private static Thread flood(Socket s, byte[] frame) {
        byte[] batch = new byte[frame.length * 64];
        for (int i = 0; i < 64; i++) {
            System.arraycopy(frame, 0, batch, i * frame.length, frame.length);
        }
        Thread t = new Thread(() -> {
            try {
                OutputStream out = s.getOutputStream();
                while (true) {
                    out.write(batch);
                }
            } catch (IOException e) {
                // cut off
            }
        }, "flood");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** A client frame masked with key 0 (the payload goes as it is, which RFC 6455 allows). */
    private static byte[] frame(int opcode, byte[] payload) {
        int n = payload.length;
        int header = n < 126 ? 2 : n < 65536 ? 4 : 10;
        byte[] f = new byte[header + 4 + n];
        f[0] = (byte) (0x80 | opcode);
        if (n < 126) {
            f[1] = (byte) (0x80 | n);
        } else if (n < 65536) {
            f[1] = (byte) (0x80 | 126);
            f[2] = (byte) (n >>> 8);
            f[3] = (byte) n;
        } else {
            f[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                f[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, f, header + 4, n);
        return f;
    }

    private static void closeAll(List<Socket> sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }
}
