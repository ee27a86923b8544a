package dev.conduit.websocket.frame;

/**
 * Incremental UTF-8 validation (Unicode Table 3-7: no overlongs, no surrogates, nothing past
 * U+10FFFF). Feed the bytes of a message in any pieces; a code point may be split between pieces
 * (and so between frames). Fails at the first byte that can never be part of valid UTF-8.
 */
public final class Utf8Validator {
    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private int need;       // continuation bytes still expected
    private int lo = 0x80;  // allowed range of the next continuation byte
    private int hi = 0xBF;

    /**
     * @param b bytes of the message
     * @param off first byte
     * @param len how many
     * @return false as soon as the bytes so far cannot be valid UTF-8
     */
    public boolean update(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            int c = b[i] & 0xff;
            if (need == 0) {
                if (c < 0x80) {
                    i++;
                    // Text is mostly ASCII: skip runs of it eight bytes at a time.
                    while (i + 8 <= end && asciiLong(b, i)) {
                        i += 8;
                    }
                    continue;
                }
                if (c >= 0xC2 && c <= 0xDF) {
                    need = 1;
                } else if (c == 0xE0) {
                    need = 2;
                    lo = 0xA0;
                } else if (c == 0xED) {
                    need = 2;
                    hi = 0x9F;
                } else if (c >= 0xE1 && c <= 0xEF) {
                    need = 2;
                } else if (c == 0xF0) {
                    need = 3;
                    lo = 0x90;
                } else if (c >= 0xF1 && c <= 0xF3) {
                    need = 3;
                } else if (c == 0xF4) {
                    need = 3;
                    hi = 0x8F;
                } else {
                    return false;
                }
            } else {
                if (c < lo || c > hi) {
                    return false;
                }
                need--;
                lo = 0x80;
                hi = 0xBF;
            }
            i++;
        }
        return true;
    }

    /** @return true if the bytes so far end on a code point boundary */
    public boolean isComplete() {
        return need == 0;
    }

    /** Forgets everything, to validate another message. */
    public void reset() {
        need = 0;
        lo = 0x80;
        hi = 0xBF;
    }

    /**
     * @param b bytes
     * @param off first byte
     * @param len how many
     * @return true if the bytes are complete, valid UTF-8
     */
    public static boolean isValid(byte[] b, int off, int len) {
        Utf8Validator v = new Utf8Validator();
        return v.update(b, off, len) && v.isComplete();
    }

    private static boolean asciiLong(byte[] b, int i) {
        // One 8-byte load instead of eight: the ASCII fast path is what long text messages hit.
        return ((long) LONGS.get(b, i) & 0x8080808080808080L) == 0;
    }
}
