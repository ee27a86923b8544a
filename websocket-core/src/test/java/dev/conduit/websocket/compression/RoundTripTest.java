package dev.conduit.websocket.compression;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RoundTripTest {
    static Stream<Arguments> levelsAndModes() {
        return IntStream.rangeClosed(-2, 9).boxed()
                .flatMap(level -> Stream.of(Arguments.of(level, true), Arguments.of(level, false)));
    }

    /** A mix of what connections send: empty, tiny, text, random, repeated, larger than the buffers. */
    private static List<byte[]> messages(long seed) {
        Random r = new Random(seed);
        List<byte[]> out = new ArrayList<>();
        out.add(new byte[0]);
        out.add("Hello".getBytes(UTF_8));
        out.add("{\"user\":\"ann\",\"text\":\"hello, hello, hello world\"}".repeat(30).getBytes(UTF_8));
        byte[] random = new byte[20_000];
        r.nextBytes(random);
        out.add(random);
        out.add(new byte[0]);
        out.add(random.clone()); // with context takeover the window still holds it
        byte[] large = new byte[150_000];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) ('a' + r.nextInt(4)); // compressible, longer than the 32 KiB window
        }
        out.add(large);
        out.add("Hello".getBytes(UTF_8));
        return out;
    }

    @ParameterizedTest(name = "level {0}, no context takeover {1}")
    @MethodSource("levelsAndModes")
    void wholeMessages(int level, boolean noContextTakeover) throws IOException {
        try (MessageDeflater deflater = new MessageDeflater(level, noContextTakeover);
                MessageInflater inflater = new MessageInflater(noContextTakeover)) {
            for (byte[] m : messages(level)) {
                byte[] wire = deflater.compress(m, 0, m.length);
                assertThat(inflater.inflate(wire, 0)).isEqualTo(m);
            }
        }
    }

    @ParameterizedTest(name = "level {0}, no context takeover {1}")
    @MethodSource("levelsAndModes")
    void streamedInRandomChunksAndFrames(int level, boolean noContextTakeover) throws IOException {
        Random r = new Random(level * 31L + (noContextTakeover ? 1 : 0));
        try (MessageDeflater deflater = new MessageDeflater(level, noContextTakeover, ZlibPool.shared(), 512);
                MessageInflater inflater = new MessageInflater(noContextTakeover, ZlibPool.shared(), 300)) {
            for (byte[] m : messages(level + 100)) {
                ByteArrayOutputStream wire = new ByteArrayOutputStream();
                int pos = 0;
                while (pos < m.length) {
                    int n = Math.min(m.length - pos, 1 + r.nextInt(5000));
                    deflater.write(m, pos, n, wire::write);
                    pos += n;
                }
                deflater.finishMessage(wire::write);
                // The frames a peer might cut the payload into: arbitrary, including empty ones.
                InputStream frames = new ChunkedInputStream(wire.toByteArray(), r);
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                try (InputStream in = inflater.newMessage(frames, m.length)) {
                    byte[] buf = new byte[1 + r.nextInt(9000)];
                    for (int n; (n = in.read(buf, 0, buf.length)) >= 0;) {
                        got.write(buf, 0, n);
                    }
                }
                assertThat(got.toByteArray()).isEqualTo(m);
            }
        }
    }

    @Test
    void contextTakeoverCompressesRepeatedMessagesBetter() {
        byte[] m = "{\"user\":\"ann\",\"text\":\"the quick brown fox jumps over the lazy dog\"}".getBytes(UTF_8);
        try (MessageDeflater takeover = new MessageDeflater(1, false); MessageDeflater alone = new MessageDeflater(1, true)) {
            takeover.compress(m, 0, m.length);
            alone.compress(m, 0, m.length);
            assertThat(takeover.compress(m, 0, m.length).length).isLessThan(alone.compress(m, 0, m.length).length / 3);
        }
    }

    @Test
    void levelChangesApplyFromTheNextMessage() throws IOException {
        byte[] m = "abcabcabcabcabcabcabcabcabcabc".repeat(100).getBytes(UTF_8);
        try (MessageDeflater deflater = new MessageDeflater(0, false); MessageInflater inflater = new MessageInflater(false)) {
            byte[] stored = deflater.compress(m, 0, m.length);
            assertThat(stored.length).isGreaterThan(m.length);
            deflater.setLevel(9);
            assertThat(deflater.level()).isEqualTo(9);
            byte[] best = deflater.compress(m, 0, m.length);
            assertThat(best.length).isLessThan(100);
            assertThat(inflater.inflate(stored, 0)).isEqualTo(m);
            assertThat(inflater.inflate(best, 0)).isEqualTo(m);
        }
    }

    @Test
    void invalidLevelsAreRejected() {
        assertThatThrownBy(() -> new MessageDeflater(10, true)).hasMessage("websocket: invalid compression level");
        assertThatThrownBy(() -> new MessageDeflater(-3, true)).isInstanceOf(IllegalArgumentException.class);
        try (MessageDeflater d = new MessageDeflater(1, true)) {
            assertThatThrownBy(() -> d.setLevel(10)).isInstanceOf(IllegalArgumentException.class);
            assertThat(d.level()).isEqualTo(1);
        }
    }

    @Test
    void closingAMessageEarlyKeepsTheContextForTheNext() throws IOException {
        byte[] first = "first message, partly read ".repeat(200).getBytes(UTF_8);
        byte[] second = "first message, partly read ".repeat(100).getBytes(UTF_8);
        try (MessageDeflater deflater = new MessageDeflater(6, false); MessageInflater inflater = new MessageInflater(false)) {
            byte[] w1 = deflater.compress(first, 0, first.length);
            byte[] w2 = deflater.compress(second, 0, second.length);
            try (InputStream in = inflater.newMessage(new ByteArrayInputStream(w1), 0)) {
                assertThat(in.readNBytes(10)).isEqualTo("first mess".getBytes(UTF_8));
            }
            assertThat(inflater.inflate(w2, 0)).isEqualTo(second);
        }
    }

    @Test
    void corruptDataFailsWith1007() {
        try (MessageInflater inflater = new MessageInflater(true)) {
            assertThatThrownBy(() -> inflater.inflate(Hex.bytes("ff ff ff ff"), 0))
                    .isInstanceOfSatisfying(dev.conduit.websocket.ProtocolException.class,
                            e -> assertThat(e.closeCode()).isEqualTo(1007))
                    .hasCauseInstanceOf(java.util.zip.DataFormatException.class);
        }
    }

    /** Hands out a byte array in random pieces, sometimes empty (like frames of any size). */
    private static final class ChunkedInputStream extends InputStream {
        private final byte[] data;
        private final Random random;
        private int pos;

        ChunkedInputStream(byte[] data, Random random) {
            this.data = data;
            this.random = random;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, data.length - pos), random.nextInt(700));
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
