package dev.conduit.websocket.frame;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;

/**
 * The XOR masking of RFC 6455 §5.3. Works eight bytes at a time: masking is bound by memory
 * bandwidth, and a byte loop is several times slower on large payloads.
 */
public final class Masking {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    // RFC 6455 §5.3 asks for keys an intermediary cannot predict: a strong source, not Random.
    private static final SecureRandom RANDOM = new SecureRandom();

    private Masking() {
    }

    /** @return a fresh masking key from a cryptographically strong source */
    public static int newKey() {
        return RANDOM.nextInt();
    }

    /**
     * Masks (or unmasks: the operation is its own inverse) {@code len} bytes in place.
     *
     * @param b the bytes
     * @param off the first byte
     * @param len how many bytes
     * @param key the masking key, big-endian (first key byte in the high bits)
     * @param pos the position within the frame payload of {@code b[off]}, for keys that continue
     *            across partial reads
     * @return the position after the last byte, to pass to the next call for the same frame
     */
    public static long mask(byte[] b, int off, int len, int key, long pos) {
        int shift = (int) (pos & 3);
        int i = off;
        int end = off + len;
        if (len >= 16) {
            long wide = 0;
            for (int j = 0; j < 8; j++) {
                wide |= (long) keyByte(key, shift + j) << (8 * j);
            }
            for (int last = end - 8; i <= last; i += 8) {
                LONGS.set(b, i, (long) LONGS.get(b, i) ^ wide);
            }
        }
        // i - off is a multiple of 8, so the key phase at i is still `shift`.
        for (int k = shift; i < end; i++, k++) {
            b[i] ^= (byte) keyByte(key, k);
        }
        return pos + len;
    }

    private static int keyByte(int key, int index) {
        return (key >>> (24 - 8 * (index & 3))) & 0xff;
    }
}
