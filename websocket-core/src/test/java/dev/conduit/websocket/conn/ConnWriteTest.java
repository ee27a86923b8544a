package dev.conduit.websocket.conn;

import static dev.conduit.websocket.WebSocket.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.websocket.BufferPool;
import dev.conduit.websocket.CloseSentException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.PreparedMessage;
import dev.conduit.websocket.WebSocketException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What a Conn puts on the wire, checked byte by byte or by a peer Conn. */
class ConnWriteTest {

    @Test
    void serverWritesTheRfcHelloFrameExactly() throws Exception {
        try (Loopback.Raw raw = Loopback.raw(ConnSettings.server())) {
            raw.conn().writeMessage(TEXT_MESSAGE, "Hello".getBytes(StandardCharsets.UTF_8));
            assertThat(raw.receive(7)).containsExactly(0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f);
            raw.conn().writeMessage(PING_MESSAGE, "Hello".getBytes(StandardCharsets.UTF_8));
            assertThat(raw.receive(7)).containsExactly(0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f);
        }
    }

    @Test
    void clientFramesAreMaskedWithAFreshKeyEachTime() throws Exception {
        try (Loopback.Raw raw = Loopback.raw(ConnSettings.client())) {
            raw.conn().writeMessage(TEXT_MESSAGE, "Hello".getBytes(StandardCharsets.UTF_8));
            raw.conn().writeMessage(TEXT_MESSAGE, "Hello".getBytes(StandardCharsets.UTF_8));
            byte[] a = raw.receive(11);
            byte[] b = raw.receive(11);
            assertThat(a[0] & 0xff).isEqualTo(0x81);
            assertThat(a[1] & 0xff).isEqualTo(0x85);
            byte[] unmasked = new byte[5];
            for (int i = 0; i < 5; i++) {
                unmasked[i] = (byte) (a[6 + i] ^ a[2 + (i & 3)]);
            }
            assertThat(new String(unmasked, StandardCharsets.UTF_8)).isEqualTo("Hello");
            assertThat(java.util.Arrays.copyOfRange(a, 2, 6)).isNotEqualTo(java.util.Arrays.copyOfRange(b, 2, 6));
        }
    }

    @Test
    void nextWriterFragmentsAtTheBufferSizeAndCloseSendsTheFinalFrame() throws Exception {
        try (Loopback.Raw raw = Loopback.raw(ConnSettings.server())) {
            OutputStream w = raw.conn().nextWriter(BINARY_MESSAGE);
            w.write(new byte[5000]);
            w.write(new byte[5000]);
            w.close();
            byte[] f1 = raw.receiveFrame();
            byte[] f2 = raw.receiveFrame();
            byte[] f3 = raw.receiveFrame();
            assertThat(f1[0] & 0xff).isEqualTo(0x02); // FIN=0, binary
            assertThat(f1.length - 1).isEqualTo(4096);
            assertThat(f2[0] & 0xff).isEqualTo(0x00); // FIN=0, continuation
            assertThat(f2.length - 1).isEqualTo(4096);
            assertThat(f3[0] & 0xff).isEqualTo(0x80); // FIN=1, continuation
            assertThat(f3.length - 1).isEqualTo(1808);
        }
    }

    @Test
    void serverWriteMessageIsOneFrameWhateverItsSize() throws Exception {
        try (Loopback.Raw raw = Loopback.raw(ConnSettings.server())) {
            raw.conn().writeMessage(BINARY_MESSAGE, new byte[10000]);
            byte[] f = raw.receiveFrame();
            assertThat(f[0] & 0xff).isEqualTo(0x82);
            assertThat(f.length - 1).isEqualTo(10000);
        }
    }

    /** gorilla's TestWriteAfterMessageWriterClose, plus: a new writer finishes the open one. */
    @Test
    void writerLifecycle() throws Exception {
        Conn[] c = Loopback.connPair(ConnSettings.server(), ConnSettings.client());
        try {
            OutputStream w = c[0].nextWriter(TEXT_MESSAGE);
            w.write("a".getBytes());
            w.close();
            assertThatThrownBy(() -> w.write("b".getBytes())).isInstanceOf(WebSocketException.class).hasMessage("websocket: write closed");
            OutputStream w2 = c[0].nextWriter(TEXT_MESSAGE);
            w2.write("half".getBytes());
            OutputStream w3 = c[0].nextWriter(TEXT_MESSAGE); // sends "half" as a message
            assertThatThrownBy(() -> w2.write("x".getBytes())).hasMessage("websocket: write closed");
            w3.write("whole".getBytes());
            w3.close();
            assertThat(c[1].readMessage().text()).isEqualTo("a");
            assertThat(c[1].readMessage().text()).isEqualTo("half");
            assertThat(c[1].readMessage().text()).isEqualTo("whole");
        } finally {
            c[0].close();
            c[1].close();
        }
    }

    @Test
    void badTypesAndOversizedControlFramesAreRefusedWithoutBreakingTheConnection() throws Exception {
        Conn[] c = Loopback.connPair(ConnSettings.server(), ConnSettings.client());
        try {
            assertThatThrownBy(() -> c[0].writeMessage(3, new byte[0])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bad write message type");
            assertThatThrownBy(() -> c[0].writeControl(TEXT_MESSAGE, new byte[0], null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> c[0].writeControl(PING_MESSAGE, new byte[126], null))
                    .hasMessageContaining("invalid control frame");
            OutputStream ping = c[0].nextWriter(PING_MESSAGE);
            assertThatThrownBy(() -> ping.write(new byte[126])).hasMessageContaining("invalid control frame");
            c[0].writeMessage(TEXT_MESSAGE, "still fine".getBytes());
            assertThat(c[1].readMessage().text()).isEqualTo("still fine");
        } finally {
            c[0].close();
            c[1].close();
        }
    }

    /** gorilla's TestControl: pongs written by writeControl and by nextWriter reach the peer's handler. */
    @Test
    void controlMessagesReachThePeersHandlers() throws Exception {
        for (boolean serverWrites : new boolean[] {true, false}) {
            Conn[] c = Loopback.connPair(ConnSettings.server(), ConnSettings.client());
            Conn writer = serverWrites ? c[0] : c[1];
            Conn reader = serverWrites ? c[1] : c[0];
            try {
                List<String> pongs = new ArrayList<>();
                reader.setPongHandler(d -> pongs.add(new String(d, StandardCharsets.UTF_8)));
                writer.writeControl(PONG_MESSAGE, "one".getBytes(), Instant.now().plusSeconds(5));
                OutputStream w = writer.nextWriter(PONG_MESSAGE);
                w.write("two".getBytes());
                w.close();
                writer.writeMessage(TEXT_MESSAGE, "end".getBytes());
                assertThat(reader.readMessage().text()).isEqualTo("end");
                assertThat(pongs).containsExactly("one", "two");
            } finally {
                c[0].close();
                c[1].close();
            }
        }
    }

    @Test
    void writeControlWithAPastDeadlineTimesOutWithoutBreakingTheConnection() throws Exception {
        Conn[] c = Loopback.connPair(ConnSettings.server(), ConnSettings.client());
        try {
            assertThatThrownBy(() -> c[0].writeControl(PING_MESSAGE, new byte[0], Instant.now().minusSeconds(1)))
                    .isInstanceOf(SocketTimeoutException.class);
            c[0].writeControl(PING_MESSAGE, new byte[0], null);
            c[0].writeMessage(TEXT_MESSAGE, "ok".getBytes());
            assertThat(c[1].readMessage().text()).isEqualTo("ok");
        } finally {
            c[0].close();
            c[1].close();
        }
    }

    @Test
    void everyWriteFailsWithCloseSentAfterAClose() throws Exception {
        Conn[] c = Loopback.connPair(ConnSettings.server(), ConnSettings.client());
        try {
            c[0].writeMessage(CLOSE_MESSAGE, formatCloseMessage(CLOSE_NORMAL_CLOSURE, ""));
            assertThatThrownBy(() -> c[0].writeMessage(TEXT_MESSAGE, new byte[0])).isInstanceOf(CloseSentException.class)
                    .hasMessage("websocket: close sent");
            assertThatThrownBy(() -> c[0].writeControl(PING_MESSAGE, new byte[0], null)).isInstanceOf(CloseSentException.class);
            assertThatThrownBy(() -> c[0].nextWriter(TEXT_MESSAGE)).isInstanceOf(CloseSentException.class);
            assertThatThrownBy(() -> c[0].writePreparedMessage(new PreparedMessage(TEXT_MESSAGE, new byte[0])))
                    .isInstanceOf(CloseSentException.class);
        } finally {
            c[0].close();
            c[1].close();
        }
    }

    /**
     * 8 threads write whole messages and streamed messages while pings fly both ways: the peer
     * must see every message intact and in per-thread order, with no corrupt frame.
     */
    @Test
    void concurrentWritersNeverCorruptTheStream() throws Exception {
        for (ConnSettings writerSide : new ConnSettings[] {ConnSettings.server(), ConnSettings.client()}) {
            boolean serverWrites = writerSide.server;
            Conn[] c = Loopback.connPair(ConnSettings.server(), ConnSettings.client());
            Conn writer = serverWrites ? c[0] : c[1];
            Conn reader = serverWrites ? c[1] : c[0];
            int threads = 8;
            int perThread = 300;
            List<String> pongs = java.util.Collections.synchronizedList(new ArrayList<>());
            reader.setPongHandler(d -> pongs.add(new String(d, StandardCharsets.UTF_8)));
            dev.conduit.websocket.PingHandler answer = writer.pingHandler();
            writer.setPingHandler(d -> {
                answer.handle(d);
                if (new String(d, StandardCharsets.UTF_8).equals("final")) {
                    writer.writeMessage(TEXT_MESSAGE, "end".getBytes(StandardCharsets.UTF_8));
                }
            });
            ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    futures.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            byte[] body = payload(id, i);
                            if (i % 3 == 0) {
                                try (OutputStream w = writer.nextWriter(BINARY_MESSAGE)) {
                                    // Streamed in small pieces across several fragments.
                                    for (int off = 0; off < body.length; off += 1000) {
                                        w.write(body, off, Math.min(1000, body.length - off));
                                    }
                                }
                            } else if (i % 3 == 1) {
                                writer.writeMessage(BINARY_MESSAGE, body);
                            } else {
                                writer.writePreparedMessage(new PreparedMessage(BINARY_MESSAGE, body));
                            }
                            if (i % 10 == 0) {
                                writer.writeControl(PING_MESSAGE, new byte[] {(byte) id}, null);
                            }
                        }
                        return null;
                    }));
                }
                // The other side pings too, so automatic pongs interleave with the writers' frames.
                Future<?> pinger = pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 100; i++) {
                        reader.writeControl(PING_MESSAGE, String.format("p%03d", i).getBytes(), null);
                    }
                    return null;
                });
                ConcurrentLinkedQueue<Throwable> readerErrors = new ConcurrentLinkedQueue<>();
                Thread writerSideReader = new Thread(() -> {
                    try {
                        while (true) {
                            writer.readMessage(); // runs the ping handler that answers with pongs
                        }
                    } catch (Exception e) {
                        readerErrors.add(e);
                    }
                });
                writerSideReader.start();
                start.countDown();
                Map<Integer, Integer> next = new HashMap<>();
                for (int n = 0; n < threads * perThread; n++) {
                    Message m = reader.readMessage();
                    byte[] d = m.data();
                    int id = d[0];
                    int i = ((d[1] & 0xff) << 8) | (d[2] & 0xff);
                    assertThat(i).isEqualTo(next.getOrDefault(id, 0));
                    next.put(id, i + 1);
                    assertThat(d).isEqualTo(payload(id, i));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
                pinger.get();
                // A last ping: its pong must come back before the "end" the peer writes after answering it.
                reader.writeControl(PING_MESSAGE, "final".getBytes(), null);
                assertThat(reader.readMessage().text()).isEqualTo("end");
                assertThat(pongs).last().isEqualTo("final");
                // Pongs may be coalesced (RFC 6455 §5.5.3) but never reordered.
                List<String> numbered = new ArrayList<>(pongs.subList(0, pongs.size() - 1));
                assertThat(numbered).isSorted();
                writer.close();
                writerSideReader.join(5000);
            } finally {
                pool.shutdownNow();
                c[0].close();
                c[1].close();
            }
        }
    }

    static byte[] payload(int id, int i) {
        int len = 3 + (i * 37 + id * 101) % 9000;
        byte[] b = new byte[len];
        for (int k = 3; k < len; k++) {
            b[k] = (byte) (k * 31 + id + i);
        }
        b[0] = (byte) id;
        b[1] = (byte) (i >> 8);
        b[2] = (byte) i;
        return b;
    }

    /** gorilla's TestPreparedMessage: the same bytes as writeMessage, for server and client, and to many connections. */
    @Test
    void preparedMessageToManyConnections() throws Exception {
        PreparedMessage pm = new PreparedMessage(TEXT_MESSAGE, "broadcast".getBytes(StandardCharsets.UTF_8));
        List<Loopback.Raw> raws = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                raws.add(Loopback.raw(ConnSettings.server()));
            }
            for (Loopback.Raw r : raws) {
                r.conn().writePreparedMessage(pm);
            }
            byte[] expected = new byte[] {(byte) 0x81, 9, 'b', 'r', 'o', 'a', 'd', 'c', 'a', 's', 't'};
            for (Loopback.Raw r : raws) {
                assertThat(r.receive(11)).isEqualTo(expected);
            }
            Conn[] c = Loopback.connPair(ConnSettings.server(), ConnSettings.client());
            c[1].writePreparedMessage(pm);
            c[1].writePreparedMessage(new PreparedMessage(PING_MESSAGE, "x".getBytes()));
            c[1].writePreparedMessage(pm);
            assertThat(c[0].readMessage().text()).isEqualTo("broadcast");
            assertThat(c[0].readMessage().text()).isEqualTo("broadcast");
            c[0].close();
            c[1].close();
        } finally {
            for (Loopback.Raw r : raws) {
                r.close();
            }
        }
    }

    /** gorilla's TestWriteBufferPool: a pooled buffer is held only while a message is written. */
    @Test
    void writeBufferPoolLendsBuffersPerMessage() throws Exception {
        AtomicInteger out = new AtomicInteger();
        List<byte[]> free = new ArrayList<>();
        BufferPool pool = new BufferPool() {
            @Override
            public synchronized byte[] get(int minSize) {
                out.incrementAndGet();
                return free.isEmpty() ? null : free.remove(free.size() - 1);
            }

            @Override
            public synchronized void put(byte[] buffer) {
                out.decrementAndGet();
                free.add(buffer);
            }
        };
        Conn[] c = Loopback.connPair(ConnSettings.server().writeBufferPool(pool).writeBufferSize(1024), ConnSettings.client());
        try {
            assertThat(out.get()).isZero();
            OutputStream w = c[0].nextWriter(BINARY_MESSAGE);
            assertThat(out.get()).isEqualTo(1);
            w.write(new byte[3000]);
            w.close();
            assertThat(out.get()).isZero();
            c[0].writeMessage(TEXT_MESSAGE, "x".getBytes());
            assertThat(out.get()).isZero();
            assertThat(free).hasSize(1);
            assertThat(c[1].readMessage().data()).hasSize(3000);
            assertThat(c[1].readMessage().text()).isEqualTo("x");
            // gorilla's TestWriteBufferPoolError: a failing write still returns the buffer.
            c[1].close();
            c[0].netConn().close();
            assertThatThrownBy(() -> c[0].writeMessage(BINARY_MESSAGE, new byte[100])).isInstanceOf(java.io.IOException.class);
            assertThat(out.get()).isZero();
        } finally {
            c[0].close();
        }
    }

    /**
     * Better than gorilla (its issue #9): a server answering with writeMessage, small or large, or
     * with prepared messages, never takes a write buffer, so idle connections hold none.
     */
    @Test
    void serverMessagesWrittenWholeTakeNoWriteBuffer() throws Exception {
        AtomicInteger gets = new AtomicInteger();
        BufferPool pool = new BufferPool() {
            @Override
            public byte[] get(int minSize) {
                gets.incrementAndGet();
                return null;
            }

            @Override
            public void put(byte[] buffer) {
            }
        };
        Conn[] c = Loopback.connPair(ConnSettings.server().writeBufferPool(pool).writeBufferSize(1024), ConnSettings.client());
        try {
            byte[] big = new byte[3000];
            new java.util.Random(7).nextBytes(big);
            c[0].writeMessage(TEXT_MESSAGE, "small".getBytes());
            c[0].writeMessage(BINARY_MESSAGE, java.util.Arrays.copyOf(big, 600)); // over the small-frame size
            c[0].writeMessage(BINARY_MESSAGE, big); // over the write buffer size
            c[0].writePreparedMessage(new dev.conduit.websocket.PreparedMessage(BINARY_MESSAGE, big));
            c[0].writeControl(dev.conduit.websocket.WebSocket.PING_MESSAGE, "p".getBytes(), null);
            assertThat(gets.get()).isZero();
            assertThat(c[1].readMessage().text()).isEqualTo("small");
            assertThat(c[1].readMessage().data()).isEqualTo(java.util.Arrays.copyOf(big, 600));
            assertThat(c[1].readMessage().data()).isEqualTo(big);
            assertThat(c[1].readMessage().data()).isEqualTo(big);
        } finally {
            c[0].close();
            c[1].close();
        }
    }
}
