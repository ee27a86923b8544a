package dev.conduit.websocket.compression;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/** Every Deflater and Inflater made is either idle in the pool or ended. */
class ZlibResourcesTest {
    private final AtomicInteger deflatersMade = new AtomicInteger();
    private final AtomicInteger deflatersEnded = new AtomicInteger();
    private final AtomicInteger inflatersMade = new AtomicInteger();
    private final AtomicInteger inflatersEnded = new AtomicInteger();
    private final ZlibPool pool = new ZlibPool(() -> {
        deflatersMade.incrementAndGet();
        return new Deflater(Deflater.DEFAULT_COMPRESSION, true) {
            @Override
            public void end() {
                deflatersEnded.incrementAndGet();
                super.end();
            }
        };
    }, () -> {
        inflatersMade.incrementAndGet();
        return new Inflater(true) {
            @Override
            public void end() {
                inflatersEnded.incrementAndGet();
                super.end();
            }
        };
    }, 2);

    private static final byte[] MESSAGE = "hello hello hello".getBytes(UTF_8);

    @Test
    void contextTakeoverOwnsOneOfEachAndEndsThemOnClose() throws IOException {
        MessageDeflater deflater = new MessageDeflater(1, false, pool, 1024);
        MessageInflater inflater = new MessageInflater(false, pool, 1024);
        for (int i = 0; i < 10; i++) {
            inflater.inflate(deflater.compress(MESSAGE, 0, MESSAGE.length), 0);
        }
        assertThat(deflatersMade).hasValue(1);
        assertThat(inflatersMade).hasValue(1);
        deflater.close();
        inflater.close();
        deflater.close(); // idempotent
        assertThat(deflatersEnded).hasValue(1);
        assertThat(inflatersEnded).hasValue(1);
        assertThatThrownBy(() -> deflater.compress(MESSAGE, 0, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> inflater.newMessage(InputStream.nullInputStream(), 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void noContextTakeoverBorrowsPerMessageAndHoldsNothingBetween() throws IOException {
        MessageDeflater[] deflaters = new MessageDeflater[5];
        MessageInflater[] inflaters = new MessageInflater[5];
        for (int i = 0; i < 5; i++) {
            deflaters[i] = new MessageDeflater(1, true, pool, 1024);
            inflaters[i] = new MessageInflater(true, pool, 1024);
        }
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 5; i++) {
                inflaters[i].inflate(deflaters[i].compress(MESSAGE, 0, MESSAGE.length), 0);
            }
        }
        // One message at a time: one of each was enough, and it is back in the pool.
        assertThat(deflatersMade).hasValue(1);
        assertThat(inflatersMade).hasValue(1);
        assertThat(pool.idleDeflaters()).isEqualTo(1);
        assertThat(pool.idleInflaters()).isEqualTo(1);
        for (int i = 0; i < 5; i++) {
            deflaters[i].close();
            inflaters[i].close();
        }
        assertThat(deflatersEnded).hasValue(0); // closing a connection leaves the idle pool alone
        pool.clear();
        assertThat(deflatersEnded).hasValue(1);
        assertThat(inflatersEnded).hasValue(1);
    }

    @Test
    void aFullPoolEndsWhatIsGivenBack() throws IOException {
        MessageDeflater[] deflaters = new MessageDeflater[4];
        for (int i = 0; i < 4; i++) {
            deflaters[i] = new MessageDeflater(1, true, pool, 1024);
            deflaters[i].write(MESSAGE, 0, MESSAGE.length, (b, o, l) -> { }); // four messages in progress
        }
        assertThat(deflatersMade).hasValue(4);
        for (MessageDeflater d : deflaters) {
            d.finishMessage((b, o, l) -> { });
        }
        assertThat(pool.idleDeflaters()).isEqualTo(2);
        assertThat(deflatersEnded).hasValue(2);
        pool.clear();
        assertThat(deflatersEnded).hasValue(4);
    }

    @Test
    void closingMidMessageEndsTheBorrowedDeflaterInsteadOfPoolingIt() throws IOException {
        MessageDeflater d = new MessageDeflater(1, true, pool, 1024);
        d.write(MESSAGE, 0, MESSAGE.length, (b, o, l) -> { });
        d.close();
        assertThat(deflatersEnded).hasValue(1);
        assertThat(pool.idleDeflaters()).isZero();
    }

    @Test
    void aFailedMessageEndsItsInflater() {
        MessageInflater inflater = new MessageInflater(true, pool, 1024);
        assertThatThrownBy(() -> inflater.inflate(Hex.bytes("ff ff ff ff"), 0)).isInstanceOf(IOException.class);
        assertThat(inflatersEnded).hasValue(1);
        assertThat(pool.idleInflaters()).isZero();
        inflater.close();
        assertThat(inflatersEnded).hasValue(1);
    }

    @Test
    void anAbandonedMessageGivesTheInflaterBack() throws IOException {
        MessageDeflater d = new MessageDeflater(1, true, pool, 1024);
        MessageInflater inflater = new MessageInflater(true, pool, 1024);
        byte[] wire = d.compress(MESSAGE, 0, MESSAGE.length);
        InputStream first = inflater.newMessage(new ByteArrayInputStream(wire), 0);
        assertThat(first.read()).isEqualTo('h');
        // The next message closes the previous one (as NextReader does).
        try (InputStream second = inflater.newMessage(new ByteArrayInputStream(wire), 0)) {
            assertThat(second.readAllBytes()).isEqualTo(MESSAGE);
        }
        assertThat(inflatersMade).hasValue(1);
        assertThat(pool.idleInflaters()).isEqualTo(1);
        inflater.close();
        d.close();
        pool.clear();
        assertThat(inflatersEnded).hasValue(inflatersMade.get());
        assertThat(deflatersEnded).hasValue(deflatersMade.get());
    }
}
