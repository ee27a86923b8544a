package dev.conduit.websocket.server.internal;

import dev.conduit.websocket.server.ServerTransport;
import dev.conduit.websocket.server.Transport;
import dev.conduit.websocket.server.Upgrader;
import dev.conduit.websocket.server.TestServer;
import dev.conduit.websocket.server.RawHttp;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The transport alone, over a real Tomcat upgrade: deadlines, EOF, a close from another thread,
 * concurrent writes. The scenario runs inside {@code init()} like the Upgrader's handler does.
 */
class ServerNetConnTest {
    static volatile Consumer<ServerNetConn> scenario;
    static final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    /** Scenarios still running: a test ends only when its scenario has, so none reports into the next test. */
    static final AtomicInteger running = new AtomicInteger();
    static volatile boolean lastChannelTaken;
    static volatile Class<?> lastTransport;
    /** The transport of the scenarios; Tomcat 10.1.48 and 11.0.22 are verified, so AUTO takes over. */
    static volatile TransportRuntime transport;
    TestServer server;

    Transport transportMode() {
        return Transport.AUTO;
    }

    TestServer.Container container() {
        return TestServer.Container.TOMCAT;
    }

    void assumeSocketTimeouts() {
        // Tomcat: socket timeouts; Undertow: the watchdog.
    }

    public static final class ScenarioHandler implements HttpUpgradeHandler {
        @Override
        public void init(WebConnection wc) {
            ServerNetConn net;
            try {
                net = TransportFactory.open(wc, null, null, transport);
            } catch (TakeoverException e) {
                events.add(e);
                return;
            }
            running.incrementAndGet();
            lastChannelTaken = net instanceof ReadLoopNetConn;
            lastTransport = net.getClass();
            try {
                scenario.accept(net);
            } catch (RuntimeException e) {
                events.add(e);
            } finally {
                net.endOfHandler();
                events.add("init returned");
                running.decrementAndGet();
            }
        }

        @Override
        public void destroy() {
        }
    }

    @BeforeEach
    void start() {
        events.clear();
        transport = new TransportRuntime(transportMode(), 1);
        server = TestServer.start(container(), new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setStatus(101);
                resp.setHeader("Upgrade", "test");
                resp.setHeader("Connection", "Upgrade");
                try {
                    req.upgrade(ScenarioHandler.class);
                } catch (jakarta.servlet.ServletException e) {
                    throw new IOException(e);
                }
            }
        }, 200);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = 0; i < 100 && running.get() > 0; i++) {
            Thread.sleep(100); // the test closed its socket: the scenario sees the end and returns
        }
        server.close();
        transport.close();
    }

    Socket connect() throws IOException {
        RawHttp r = RawHttp.exchange(server.port(), "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n");
        assertThat(r.status).isEqualTo(101);
        return r.socket;
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("EOF after " + sb);
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    static void write(ServerNetConn net, String s) {
        try {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            net.write(b, 0, b.length);
            net.flush();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /**
     * Tomcat's plaintext NIO channel is taken for the WebSocket's life by default; Undertow keeps
     * its streams, and so does Tomcat with {@link Transport#CONTAINER}.
     */
    boolean expectChannelTaken() {
        return true;
    }

    /** The transport class the factory picks: one per transport. */
    Class<?> expectedTransport() {
        return ReadLoopNetConn.class;
    }

    /** Whether the transport writes to the socket itself (direct I/O, the takeover) rather than through the container. */
    boolean writesToTheSocket() {
        return true;
    }

    /** @return the write system calls this thread has made ({@code /proc/thread-self/io}) */
    static long threadWriteCalls() throws IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/thread-self/io"))) {
            if (line.startsWith("syscw:")) {
                return Long.parseLong(line.substring(6).trim());
            }
        }
        throw new IllegalStateException("no syscw in /proc/thread-self/io");
    }

    /**
     * The write contract: a frame's header and payload leave in one write system call, and a
     * write is never held back waiting for another (a 2-byte control frame reaches the peer with
     * no flush and nothing after it). Through the container's streams the flush sends them.
     */
    @Test
    void aFrameLeavesInOneWriteCallAndNothingIsHeldBack() throws Exception {
        CountDownLatch pingSeen = new CountDownLatch(1);
        byte[] payload = new byte[64];
        java.util.Arrays.fill(payload, (byte) 'x');
        scenario = net -> {
            try {
                long before = threadWriteCalls();
                net.write(new byte[] {(byte) 0x82, 64}, 0, 2, payload, 0, payload.length);
                net.flush();
                events.add("frame calls " + (threadWriteCalls() - before));
                before = threadWriteCalls();
                net.write(new byte[] {(byte) 0x89, 0}, 0, 2);
                events.add("ping calls " + (threadWriteCalls() - before));
                if (writesToTheSocket()) {
                    events.add("ping seen " + pingSeen.await(10, TimeUnit.SECONDS));
                } else {
                    net.flush();
                }
            } catch (IOException | InterruptedException e) {
                events.add(e);
            }
        };
        try (Socket s = connect()) {
            InputStream in = s.getInputStream();
            assertThat(in.readNBytes(66)).startsWith((byte) 0x82, (byte) 64).endsWith(payload);
            assertThat(in.readNBytes(2)).containsExactly(0x89, 0x00);
            pingSeen.countDown();
            if (writesToTheSocket()) {
                assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("frame calls 1");
                assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("ping calls 1");
                assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("ping seen true");
            } else {
                assertThat(events.poll(10, TimeUnit.SECONDS)).asString().startsWith("frame calls");
                assertThat(events.poll(10, TimeUnit.SECONDS)).asString().startsWith("ping calls");
            }
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("init returned");
        }
    }

    /** Whether the transport hands frames written together to the socket in shared gathering writes. */
    boolean gathersFrames() {
        return expectedTransport() == ReadLoopNetConn.class || expectedTransport() == DirectIoNetConn.class;
    }

    /** Frames of the given sizes, each filled with {@link #patternAt} from {@code start} on. */
    static byte[][] patternFrames(long start, int... sizes) {
        byte[][] frames = new byte[sizes.length][];
        long at = start;
        for (int i = 0; i < sizes.length; i++) {
            frames[i] = new byte[sizes[i]];
            for (int k = 0; k < sizes[i]; k++) {
                frames[i][k] = patternAt(at++);
            }
        }
        return frames;
    }

    /**
     * Frames handed over together: 40 small ones (8 KB) leave in one write system call; a mix
     * beyond one gathering write (30 × 3,000 bytes, one of 100 KB, 3 small) arrives whole and in
     * order too. Only {@code count} frames of the array are written.
     */
    @Test
    void framesWrittenTogetherShareOneWriteCallAndArriveWholeInOrder() throws Exception {
        int[] small = new int[40];
        for (int i = 0; i < small.length; i++) {
            small[i] = 2 + (i * 37) % 300;
        }
        int[] mixed = new int[34];
        java.util.Arrays.fill(mixed, 0, 30, 3000);
        mixed[30] = 100_000;
        mixed[31] = 2;
        mixed[32] = 7;
        mixed[33] = 125;
        long smallBytes = java.util.Arrays.stream(small).sum();
        long total = smallBytes + java.util.Arrays.stream(mixed).sum();
        scenario = net -> {
            try {
                byte[][] first = java.util.Arrays.copyOf(patternFrames(0, small), small.length + 1);
                first[small.length] = "never sent".getBytes(StandardCharsets.US_ASCII);
                long before = threadWriteCalls();
                net.writeFrames(first, small.length);
                net.flush();
                events.add("small frames calls " + (threadWriteCalls() - before));
                net.writeFrames(patternFrames(smallBytes, mixed), mixed.length);
                net.flush();
                events.add("wrote all");
            } catch (IOException e) {
                events.add(e);
            }
        };
        try (Socket s = connect()) {
            if (gathersFrames()) {
                assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("small frames calls 1");
            } else {
                assertThat(events.poll(10, TimeUnit.SECONDS)).asString().startsWith("small frames calls");
            }
            InputStream in = s.getInputStream();
            assertPatternArrives(in, total);
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("wrote all");
            s.setSoTimeout(10_000);
            assertThat(in.read()).as("nothing after the frames (the handler returned)").isEqualTo(-1);
        }
    }

    /**
     * 8 MB of frames written 64 at a time while the peer does not read yet: the socket takes
     * part of a batch, the rest waits (or goes to the container) and everything arrives in order.
     */
    @Test
    void framesWrittenTogetherThatThePeerReadsLateArriveWhole() throws Exception {
        int frames = 2048;
        int size = 4000;
        long total = (long) frames * size;
        int[] sizes = new int[64];
        java.util.Arrays.fill(sizes, size);
        scenario = net -> {
            try {
                for (int i = 0; i < frames; i += 64) {
                    net.writeFrames(patternFrames((long) i * size, sizes), 64);
                    net.flush();
                }
                events.add("wrote " + total);
            } catch (IOException e) {
                events.add(e);
            }
        };
        try (Socket s = connect()) {
            Thread.sleep(500); // the socket buffers fill up and a write waits
            assertPatternArrives(s.getInputStream(), total);
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("wrote " + total);
        }
    }

    @Test
    void theChannelIsTakenFromTomcatsPollerAndReadAheadBytesComeFirst() throws Exception {
        scenario = net -> {
            try {
                byte[] b = new byte[10];
                int n = 0;
                while (n < 10) {
                    n += net.read(b, n, 10 - n);
                }
                events.add(new String(b, StandardCharsets.UTF_8));
                write(net, "ok\n");
            } catch (IOException e) {
                events.add(e);
            }
        };
        // The first bytes travel with the upgrade request, so Tomcat has read them before init().
        RawHttp r = RawHttp.exchange(server.port(),
                "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\nearly");
        try (Socket s = r.socket) {
            assertThat(r.status).isEqualTo(101);
            Thread.sleep(200);
            s.getOutputStream().write("later".getBytes(StandardCharsets.UTF_8));
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("earlylater");
            assertThat(readLine(s.getInputStream())).isEqualTo("ok");
            assertThat(lastChannelTaken).isEqualTo(expectChannelTaken());
            assertThat(lastTransport).isEqualTo(expectedTransport());
        }
    }

    @Test
    void readDeadlineFailsTheReadAndWritesStillWork() throws Exception {
        assumeSocketTimeouts();
        scenario = net -> {
            try {
                net.setReadDeadline(Instant.now().plusMillis(300));
                net.read(new byte[16], 0, 16);
                events.add("read returned");
            } catch (IOException e) {
                events.add(e);
                write(net, "still writable\n");
            }
        };
        try (Socket s = connect()) {
            assertThat(events.poll(10, TimeUnit.SECONDS)).isInstanceOf(SocketTimeoutException.class);
            assertThat(readLine(s.getInputStream())).isEqualTo("still writable");
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("init returned");
            assertThat(s.getInputStream().read()).as("socket closed after init returned").isEqualTo(-1);
        }
    }

    /**
     * A read deadline counts from the read, however long the connection has been busy before. On
     * Tomcat, reads that went straight to the socket leave the container's last-read stamp behind,
     * and its poller times a blocked read out from that stamp: a 2 s deadline set after 2.4 s of
     * direct reads would fail within a second, before the data the peer sends after 1.2 s.
     */
    @Test
    void aReadDeadlineCountsFromTheReadAfterALongBusyStretch() throws Exception {
        assumeSocketTimeouts();
        int total = 64 * 1024;
        scenario = net -> {
            try {
                byte[] b = new byte[4096];
                int got = 0;
                while (got < total) {
                    got += net.read(b, 0, b.length);
                    Thread.sleep(150); // 17 reads: about 2.5 s of reading without waiting
                }
                events.add("read " + got);
                net.setReadDeadline(Instant.now().plusSeconds(2));
                int n = net.read(b, 0, b.length);
                events.add(new String(b, 0, n, StandardCharsets.UTF_8));
            } catch (IOException | InterruptedException e) {
                events.add(e);
            }
        };
        try (Socket s = connect()) {
            s.getOutputStream().write(new byte[total]); // all of it in the socket buffers at once
            assertThat(events.poll(20, TimeUnit.SECONDS)).isEqualTo("read " + total);
            Thread.sleep(1200);
            s.getOutputStream().write("z".getBytes(StandardCharsets.UTF_8));
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("z");
        }
    }

    @Test
    void aPassedDeadlineFailsAtOnceAndClearingItRestoresBlockingReads() throws Exception {
        scenario = net -> {
            try {
                net.setReadDeadline(Instant.now().minusSeconds(1));
                try {
                    net.read(new byte[4], 0, 4);
                } catch (SocketTimeoutException e) {
                    events.add("timed out before reading");
                }
                net.setReadDeadline(null);
                byte[] b = new byte[5];
                int n = net.read(b, 0, 5);
                events.add(new String(b, 0, n, StandardCharsets.UTF_8));
            } catch (IOException e) {
                events.add(e);
            }
        };
        try (Socket s = connect()) {
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("timed out before reading");
            Thread.sleep(300); // the read without deadline must wait for the data
            s.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("hello");
        }
    }

    @Test
    void peerFinIsEndOfStream() throws Exception {
        scenario = net -> {
            try {
                events.add(net.read(new byte[8], 0, 8));
            } catch (IOException e) {
                events.add(e);
            }
        };
        try (Socket s = connect()) {
            s.shutdownOutput();
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo(-1);
        }
    }

    @Test
    void closeFromAnotherThreadWakesTheReaderAndEndsTheConnection() throws Exception {
        CompletableFuture<ServerNetConn> opened = new CompletableFuture<>();
        scenario = net -> {
            opened.complete(net);
            try {
                events.add(net.read(new byte[8], 0, 8));
            } catch (IOException e) {
                events.add(e);
            }
        };
        try (Socket s = connect()) {
            ServerNetConn net = opened.get(10, TimeUnit.SECONDS);
            Thread.sleep(200); // let the reader block
            net.close();
            assertThat(events.poll(10, TimeUnit.SECONDS)).isInstanceOf(SocketException.class);
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("init returned");
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aWriterBlockedWhenTheHandlerReturnsIsWokenAndFails() throws Exception {
        scenario = net -> {
            Thread writer = new Thread(() -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                    for (int i = 0; i < 1024; i++) { // 64 MiB: far more than the socket buffers take
                        net.write(chunk, 0, chunk.length);
                        net.flush();
                    }
                    events.add("wrote everything");
                } catch (IOException e) {
                    events.add(e);
                }
            }, "blocked-writer");
            writer.start();
            try {
                // The client reads nothing: the writer fills the socket buffers and blocks.
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            net.handlerReturned(); // as the Upgrader's handler does when the application's handler returns
        };
        try (Socket s = connect()) {
            // Nobody may stay parked on a connection that has ended: the writer fails, in either
            // order with the end of init().
            java.util.List<Object> ends = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ends.add(events.poll(20, TimeUnit.SECONDS));
            }
            assertThat(ends).contains("init returned").anyMatch(e -> e instanceof IOException);
        }
    }

    @Test
    void writeDeadlineEndsAWriteTheClientDoesNotRead() throws Exception {
        assumeSocketTimeouts();
        scenario = net -> {
            byte[] big = new byte[64 * 1024 * 1024];
            try {
                net.setWriteDeadline(Instant.now().plusSeconds(1));
                net.write(big, 0, big.length);
                net.flush();
                events.add("wrote everything");
            } catch (IOException e) {
                events.add(e);
            }
        };
        try (Socket s = connect()) {
            Object outcome = events.poll(20, TimeUnit.SECONDS);
            assertThat(outcome).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void anotherThreadWritesWhileTheHandlerWaitsInRead() throws Exception {
        CountDownLatch written = new CountDownLatch(1);
        scenario = net -> {
            Thread writer = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    write(net, "line " + i + "\n");
                }
                written.countDown();
            });
            writer.start();
            try {
                byte[] b = new byte[3];
                int n = net.read(b, 0, 3);
                events.add(new String(b, 0, n, StandardCharsets.UTF_8));
            } catch (IOException e) {
                events.add(e);
            }
        };
        try (Socket s = connect()) {
            InputStream in = s.getInputStream();
            for (int i = 0; i < 1000; i++) {
                assertThat(readLine(in)).isEqualTo("line " + i);
            }
            assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
            s.getOutputStream().write("bye".getBytes(StandardCharsets.UTF_8));
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("bye");
        }
    }

    /** Reads {@code total} bytes from the peer's side and asserts each is {@link #patternAt} its position. */
    static void assertPatternArrives(InputStream in, long total) throws IOException {
        byte[] b = new byte[65536];
        long got = 0;
        long wrong = -1;
        while (got < total) {
            int n = in.read(b, 0, (int) Math.min(b.length, total - got));
            assertThat(n).as("bytes after %d", got).isPositive();
            for (int i = 0; i < n && wrong < 0; i++) {
                if (b[i] != patternAt(got + i)) {
                    wrong = got + i;
                }
            }
            got += n;
        }
        assertThat(wrong).as("first wrong byte").isEqualTo(-1);
    }

    static byte patternAt(long i) {
        return (byte) (i * 31 + (i >>> 11));
    }

    /**
     * The peer sends 2 MiB while the handler is busy: with the read loop it is staged, the loop
     * stops reading when the staging buffer is full and resumes as the handler drains it; every
     * byte arrives once and in order. Once the handler waits again, nothing is staged (an idle
     * connection holds no staging buffer).
     */
    @Test
    void aBurstWhileTheHandlerIsBusyArrivesWholeAndInOrder() throws Exception {
        int total = 2 * 1024 * 1024;
        scenario = net -> {
            try {
                Thread.sleep(500);
                byte[] b = new byte[4096];
                long got = 0;
                long wrong = -1;
                while (got < total) {
                    int n = net.read(b, 0, (int) Math.min(b.length, total - got));
                    if (n < 0) {
                        throw new IOException("end after " + got);
                    }
                    for (int i = 0; i < n && wrong < 0; i++) {
                        if (b[i] != patternAt(got + i)) {
                            wrong = got + i;
                        }
                    }
                    got += n;
                }
                events.add(wrong < 0 ? "read " + got : "wrong byte at " + wrong);
                int n = net.read(b, 0, b.length);
                events.add(new String(b, 0, n, StandardCharsets.UTF_8));
                events.add(net instanceof ReadLoopNetConn taken && taken.holdsStaging() ? "staging held while idle" : "nothing staged");
            } catch (IOException | InterruptedException e) {
                events.add(e);
            }
        };
        try (Socket s = connect()) {
            byte[] all = new byte[total];
            for (int i = 0; i < total; i++) {
                all[i] = patternAt(i);
            }
            s.getOutputStream().write(all);
            assertThat(events.poll(20, TimeUnit.SECONDS)).isEqualTo("read " + total);
            Thread.sleep(300); // the handler waits in its read
            s.getOutputStream().write("x".getBytes(StandardCharsets.UTF_8));
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("x");
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("nothing staged");
        }
    }

    /** The handler writes 8 MiB while the peer does not read yet: the write waits and all of it arrives in order. */
    @Test
    void aLargeWriteThePeerReadsLateArrivesWhole() throws Exception {
        int total = 8 * 1024 * 1024;
        scenario = net -> {
            byte[] all = new byte[total];
            for (int i = 0; i < total; i++) {
                all[i] = patternAt(i);
            }
            try {
                net.write(all, 0, total);
                net.flush();
                events.add("wrote " + total);
            } catch (IOException e) {
                events.add(e);
            }
        };
        try (Socket s = connect()) {
            Thread.sleep(500); // the socket buffers fill up and the write waits
            assertPatternArrives(s.getInputStream(), total);
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("wrote " + total);
        }
    }

    /**
     * On the taken channel an interrupt ends a waiting read as it ends a JDK channel's: the
     * connection is closed and the peer sees its end. (Tomcat's and Undertow's blocking reads
     * ignore interrupts, so this is the taken channel's behaviour only.)
     */
    @Test
    void interruptingAWaitingReaderClosesTheConnection() throws Exception {
        assumeTrue(expectChannelTaken(), "the container's own blocking read ignores interrupts");
        CompletableFuture<Thread> readerThread = new CompletableFuture<>();
        scenario = net -> {
            readerThread.complete(Thread.currentThread());
            try {
                events.add(net.read(new byte[8], 0, 8));
            } catch (IOException e) {
                events.add(e);
                events.add(Thread.interrupted() ? "interrupt status kept" : "interrupt status lost");
            }
        };
        try (Socket s = connect()) {
            Thread reader = readerThread.get(10, TimeUnit.SECONDS);
            Thread.sleep(200); // let the reader wait
            reader.interrupt();
            assertThat(events.poll(10, TimeUnit.SECONDS)).isInstanceOf(java.nio.channels.ClosedByInterruptException.class);
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("interrupt status kept");
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("init returned");
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }
}
