package dev.conduit.websocket.server.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transport's write side: a frame in one write call, frames written together, large writes
 * the peer reads late, a write deadline, a writer blocked when the handler returns, writes from
 * another thread. {@link ServerNetConnTest} and its subclasses run them on each transport.
 */
abstract class ServerNetConnWriteTests extends ServerNetConnHarness {
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
}
