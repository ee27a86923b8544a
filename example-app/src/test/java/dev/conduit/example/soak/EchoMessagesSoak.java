package dev.conduit.example.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * 5,000,000 checksummed messages echoed by the example app's {@code /echo} on Java 25 (virtual
 * threads), over 160 connections open at once: every message sent comes back, intact and in order.
 * Each connection's client thread keeps a window of messages in flight (writes 32, reads the 32
 * echoes and checks each against the bytes it sent, the CRC32 inside and the sequence number), so
 * the server always has work on every connection. Lost, corrupted and out-of-order messages are
 * counted separately and each is asserted zero; afterwards the server's threads, descriptors and
 * heap after GC are back to their baseline.
 */
class EchoMessagesSoak {
    static final int CONNECTIONS = 160;
    static final int MESSAGES_PER_CONNECTION = 31_250;
    static final long MESSAGES = (long) CONNECTIONS * MESSAGES_PER_CONNECTION;
    static final int WINDOW = 32;

    final LongAdder sent = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder corrupted = new LongAdder();
    final LongAdder outOfOrder = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

    @Test
    void fiveMillionChecksummedMessagesComeBackNoneLostCorruptedOrReordered() throws Exception {
        assertThat(MESSAGES).isGreaterThanOrEqualTo(5_000_000L);
        Jdk jdk = Jdk.java25();
        try (SoakServer server = SoakServer.start(jdk, "java25-messages")) {
            ResourceUse baseline = SoakClient.warmUpAndMeasureBaseline(server);
            List<Conn> conns = SoakClient.open(server.uri("/echo"), CONNECTIONS, 4);
            String loadBefore = SoakClient.loadAverage();
            long start = System.nanoTime();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                int id = i;
                Thread t = new Thread(() -> run(id, conns.get(id)), "soak-client-" + i);
                t.start();
                clients.add(t);
            }
            for (Thread t : clients) {
                t.join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;

            SoakClient.record(String.format("messages java%d: %,d echoed over %d connections in %.1f s = %,.0f messages/s"
                    + " (%,d MiB each way); lost %d, corrupted %d, out of order %d; loadavg before %s",
                    jdk.feature(), received.sum(), CONNECTIONS, seconds, received.sum() / seconds,
                    bytes.sum() >> 20, sent.sum() - received.sum(), corrupted.sum(), outOfOrder.sum(), loadBefore));
            assertThat(failures).as("connection failures").isEmpty();
            assertThat(sent.sum()).as("sent").isEqualTo(MESSAGES);
            assertThat(sent.sum() - received.sum()).as("lost").isZero();
            assertThat(corrupted.sum()).as("corrupted").isZero();
            assertThat(outOfOrder.sum()).as("out of order").isZero();
            SoakClient.closeAll(conns, 4);

            assertThat(SoakClient.awaitActive(server, 0)).as("open connections after closing").isZero();
            ResourceUse after = server.awaitBaseline(baseline, ConnectionLimitSoak.TOLERANCE, 60);
            System.out.println("baseline: " + baseline + "; after: " + after);
            assertThat(after.within(baseline, ConnectionLimitSoak.TOLERANCE))
                    .as("after %s vs baseline %s (tolerance %s)", after, baseline, ConnectionLimitSoak.TOLERANCE).isTrue();
        }
    }

    /** One connection's client: windows of WINDOW messages, each echo checked before the next window. */
    private void run(int id, Conn conn) {
        try {
            long next = 0;
            long expected = 0;
            while (expected < MESSAGES_PER_CONNECTION) {
                long end = Math.min(next + WINDOW, MESSAGES_PER_CONNECTION);
                for (; next < end; next++) {
                    byte[] message = Checksummed.encode(id, next);
                    conn.writeMessage(Checksummed.messageType(next), message);
                    sent.increment();
                    bytes.add(message.length);
                }
                conn.setReadDeadline(Instant.now().plus(SoakClient.READ_WAIT));
                for (; expected < next; expected++) {
                    Message echo = conn.readMessage();
                    received.increment();
                    switch (Checksummed.verify(id, expected, echo)) {
                        case CORRUPTED -> corrupted.increment();
                        case OUT_OF_ORDER -> outOfOrder.increment();
                        case OK -> { }
                    }
                }
            }
        } catch (Throwable e) {
            failures.add(new AssertionError("connection " + id, e));
        }
    }
}
