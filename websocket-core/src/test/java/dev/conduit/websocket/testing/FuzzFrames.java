package dev.conduit.websocket.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators of WebSocket wire bytes that are close enough to valid to get past the first
 * check (mostly defined opcodes, the expected mask bit, plausible lengths), then are bent: reserved
 * bits, declared lengths that lie (up to 2^63-1), non-minimal length encodings, byte flips and
 * truncation. Encoded here by hand, independently of the production encoder.
 */
public final class FuzzFrames {
    /** Declared lengths at the edges of each encoding and of int/long arithmetic. */
    private static final long[] EDGE_LENGTHS = {0, 1, 125, 126, 127, 65535, 65536, Integer.MAX_VALUE,
            1L << 31, 1L << 32, 1L << 62, Long.MAX_VALUE, -1L, Long.MIN_VALUE};

    private FuzzFrames() {
    }

    /**
     * One frame as the peer chose to encode it.
     *
     * @param fin FIN
     * @param rsv the three RSV bits (0..7)
     * @param opcode 0..15
     * @param masked the MASK bit
     * @param maskKey the masking key
     * @param payload the bytes actually sent (before masking)
     * @param declared the length put in the header, or {@code null} for the true one
     * @param lengthForm 0: minimal encoding, 1: 16-bit, 2: 64-bit
     */
    public record Frame(boolean fin, int rsv, int opcode, boolean masked, int maskKey, byte[] payload, Long declared,
            int lengthForm) {
        /** @return the wire bytes */
        public byte[] encode() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write((fin ? 0x80 : 0) | (rsv & 7) << 4 | opcode & 0x0f);
            long len = declared != null ? declared : payload.length;
            int maskBit = masked ? 0x80 : 0;
            int form = lengthForm;
            if (form == 0 && (len < 0 || len > 65535)) {
                form = 2;
            } else if (form == 0 && len > 125) {
                form = 1;
            } else if (form == 1 && (len < 0 || len > 65535)) {
                form = 2;
            }
            if (form == 0) {
                out.write(maskBit | (int) len);
            } else if (form == 1) {
                out.write(maskBit | 126);
                out.write((int) (len >>> 8) & 0xff);
                out.write((int) len & 0xff);
            } else {
                out.write(maskBit | 127);
                for (int i = 7; i >= 0; i--) {
                    out.write((int) (len >>> (8 * i)) & 0xff);
                }
            }
            byte[] body = payload.clone();
            if (masked) {
                for (int i = 3; i >= 0; i--) {
                    out.write(maskKey >>> (8 * i) & 0xff);
                }
                for (int i = 0; i < body.length; i++) {
                    body[i] ^= (byte) (maskKey >>> (8 * (3 - (i & 3))));
                }
            }
            out.writeBytes(body);
            return out.toByteArray();
        }
    }

    /** Payload bytes: random, valid UTF-8 text, or a close payload (a code and a reason). */
    public static Arbitrary<byte[]> payloads() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> text = Arbitraries.strings().ofMaxLength(80).map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> close = Combinators.combine(
                Arbitraries.oneOf(Arbitraries.of(1000, 1001, 1002, 1003, 1005, 1006, 1007, 1011, 1014, 1015, 1016,
                        2999, 3000, 4999, 5000, 0, 65535), Arbitraries.integers().between(0, 65535)),
                Arbitraries.strings().ofMaxLength(40)).as((code, reason) -> {
                    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
                    byte[] p = new byte[2 + r.length];
                    p[0] = (byte) (code >>> 8);
                    p[1] = code.byteValue();
                    System.arraycopy(r, 0, p, 2, r.length);
                    return p;
                });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, random), net.jqwik.api.Tuple.of(4, text), net.jqwik.api.Tuple.of(2, close));
    }

    /**
     * @param masked the mask bit a well-behaved peer uses (true towards a server)
     * @return frames, mostly well-formed
     */
    public static Arbitrary<Frame> frames(boolean masked) {
        Arbitrary<Integer> opcode = Arbitraries.frequency(
                net.jqwik.api.Tuple.of(3, 1), net.jqwik.api.Tuple.of(3, 2), net.jqwik.api.Tuple.of(3, 0),
                net.jqwik.api.Tuple.of(2, 8), net.jqwik.api.Tuple.of(2, 9), net.jqwik.api.Tuple.of(2, 10),
                net.jqwik.api.Tuple.of(1, 3), net.jqwik.api.Tuple.of(1, 11), net.jqwik.api.Tuple.of(1, 15));
        Arbitrary<Integer> rsv = Arbitraries.frequency(net.jqwik.api.Tuple.of(12, 0), net.jqwik.api.Tuple.of(1, 4),
                net.jqwik.api.Tuple.of(1, 2), net.jqwik.api.Tuple.of(1, 1), net.jqwik.api.Tuple.of(1, 7));
        Arbitrary<Boolean> mask = Arbitraries.frequency(net.jqwik.api.Tuple.of(15, masked),
                net.jqwik.api.Tuple.of(1, !masked));
        Arbitrary<Long> declared = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(12, Arbitraries.just(null)),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(toBoxed(EDGE_LENGTHS))),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs()));
        Arbitrary<Integer> form = Arbitraries.frequency(net.jqwik.api.Tuple.of(10, 0), net.jqwik.api.Tuple.of(1, 1),
                net.jqwik.api.Tuple.of(1, 2));
        Arbitrary<Boolean> fin = Arbitraries.frequency(net.jqwik.api.Tuple.of(3, true), net.jqwik.api.Tuple.of(1, false));
        return Combinators.combine(fin, rsv, opcode, mask, Arbitraries.integers(), payloads(), declared, form)
                .as(Frame::new);
    }

    /**
     * @param masked the mask bit a well-behaved peer uses
     * @return the wire bytes of 0..8 frames, then possibly a few bytes flipped and the tail cut
     */
    public static Arbitrary<byte[]> streams(boolean masked) {
        Arbitrary<List<Frame>> frames = frames(masked).list().ofMaxSize(8);
        Arbitrary<List<Integer>> flips = Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMaxSize(3);
        Arbitrary<Integer> cut = Arbitraries.frequency(net.jqwik.api.Tuple.of(3, -1),
                net.jqwik.api.Tuple.of(1, Integer.MAX_VALUE)).flatMap(c -> c < 0 ? Arbitraries.just(-1)
                : Arbitraries.integers().between(0, 4000));
        return Combinators.combine(frames, flips, cut).as((fs, fl, c) -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            fs.forEach(f -> out.writeBytes(f.encode()));
            byte[] b = out.toByteArray();
            if (b.length > 0) {
                for (int x : fl) {
                    b[x % b.length] ^= (byte) (1 << (x >>> 28 & 7));
                }
            }
            return c >= 0 && c < b.length ? java.util.Arrays.copyOf(b, c) : b;
        });
    }

    /** @return chunk sizes for {@link ScriptedNetConn}: whole reads, or split reads down to single bytes */
    public static Arbitrary<int[]> chunkings() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.just(new int[] {Integer.MAX_VALUE})),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new int[] {1})),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(1, 300).array(int[].class).ofMinSize(1).ofMaxSize(5)));
    }

    private static Long[] toBoxed(long[] v) {
        Long[] b = new Long[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = v[i];
        }
        return b;
    }
}
