package dev.conduit.websocket.spring.hub.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The relay's outbox keeps at most its count and its bytes, dropping the oldest envelopes first. */
class OutboxTests {

    private static byte[] envelope(int number, int size) {
        byte[] bytes = new byte[size];
        bytes[0] = (byte) number;
        return bytes;
    }

    private static List<Integer> drain(Outbox outbox) throws InterruptedException {
        List<byte[]> batch = new ArrayList<>();
        outbox.drainTo(batch, 100, 0, TimeUnit.SECONDS);
        List<Integer> numbers = new ArrayList<>();
        batch.forEach(b -> numbers.add((int) b[0]));
        return numbers;
    }

    @Test
    void dropsTheOldestWhenTheBytesAreFull() throws Exception {
        Outbox outbox = new Outbox(100, 1000);
        for (int i = 0; i < 3; i++) {
            assertThat(outbox.add(envelope(i, 300))).isZero();
        }
        assertThat(outbox.bytes()).isEqualTo(900);
        // 700 more bytes: the two oldest go.
        assertThat(outbox.add(envelope(3, 700))).isEqualTo(2);
        assertThat(outbox.bytes()).isEqualTo(1000);
        assertThat(drain(outbox)).containsExactly(2, 3);
        assertThat(outbox.bytes()).isZero();
    }

    @Test
    void dropsTheOldestWhenTheCountIsFull() throws Exception {
        Outbox outbox = new Outbox(2, 1_000_000);
        outbox.add(envelope(0, 10));
        outbox.add(envelope(1, 10));
        assertThat(outbox.add(envelope(2, 10))).isEqualTo(1);
        assertThat(drain(outbox)).containsExactly(1, 2);
    }

    @Test
    void anEnvelopeLargerThanTheBytesIsDroppedItself() throws Exception {
        Outbox outbox = new Outbox(10, 100);
        outbox.add(envelope(0, 50));
        assertThat(outbox.add(envelope(1, 101))).isEqualTo(1);
        assertThat(drain(outbox)).containsExactly(0);
    }
}
