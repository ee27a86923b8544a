package dev.conduit.websocket.compression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.websocket.ReadLimitException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A message of a few KiB that inflates to 64 MiB must fail at the limit, not after inflating. */
class DecompressionBombTest {
    private static final int LIMIT = 1 << 20;
    private static byte[] bomb;

    @BeforeAll
    static void makeBomb() {
        byte[] zeros = new byte[1 << 20];
        try (MessageDeflater deflater = new MessageDeflater(9, true)) {
            java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
            try {
                for (int i = 0; i < 64; i++) {
                    deflater.write(zeros, 0, zeros.length, wire::write);
                }
                deflater.finishMessage(wire::write);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            bomb = wire.toByteArray();
        }
        assertThat(bomb.length).isLessThan(80 * 1024);
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void wholeMessageInflationStopsAtTheLimit() {
        try (MessageInflater inflater = new MessageInflater(true)) {
            inflater.inflate(new byte[] {0}, 0); // warm up: class loading and the input buffer
            long before = allocatedBytes();
            assertThatThrownBy(() -> inflater.inflate(bomb, LIMIT)).isInstanceOf(ReadLimitException.class);
            long allocated = allocatedBytes() - before;
            assertThat(allocated).as("bytes allocated while failing").isLessThan(LIMIT + 64 * 1024);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void streamingInflationNeverProducesMoreThanOneByteOverTheLimit() throws IOException {
        try (MessageInflater inflater = new MessageInflater(false)) {
            InputStream in = inflater.newMessage(new ByteArrayInputStream(bomb), LIMIT);
            byte[] buf = new byte[64 * 1024];
            long produced = 0;
            long before = allocatedBytes();
            try {
                for (int n; (n = in.read(buf, 0, buf.length)) >= 0;) {
                    produced += n;
                }
                throw new AssertionError("no limit error after " + produced + " bytes");
            } catch (ReadLimitException expected) {
                // the bytes returned before the error are within the limit
                assertThat(produced).isLessThanOrEqualTo(LIMIT);
            }
            assertThat(allocatedBytes() - before).as("bytes allocated while inflating").isLessThan(64 * 1024);
            assertThatThrownBy(() -> in.read(buf)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void aMessageExactlyAtTheLimitPasses() throws IOException {
        byte[] exact = new byte[LIMIT];
        try (MessageDeflater deflater = new MessageDeflater(1, true); MessageInflater inflater = new MessageInflater(true)) {
            byte[] wire = deflater.compress(exact, 0, exact.length);
            assertThat(inflater.inflate(wire, LIMIT)).hasSize(LIMIT);
            assertThatThrownBy(() -> inflater.inflate(wire, LIMIT - 1)).isInstanceOf(ReadLimitException.class);
        }
    }
}
