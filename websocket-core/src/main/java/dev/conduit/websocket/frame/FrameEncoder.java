package dev.conduit.websocket.frame;

/** Encodes frame headers (RFC 6455 §5.2) with the shortest length form. */
public final class FrameEncoder {
    /** The longest header: 2 bytes, an 8-byte length and a 4-byte mask key. */
    public static final int MAX_HEADER_SIZE = 14;

    private FrameEncoder() {
    }

    /**
     * Writes a frame header into {@code dst}.
     *
     * @param dst destination, at least {@link #MAX_HEADER_SIZE} bytes from {@code off}
     * @param off where to write
     * @param fin the FIN bit
     * @param rsv1 the RSV1 bit (compressed message)
     * @param opcode the opcode
     * @param length the payload length
     * @param masked whether to include a masking key (client frames)
     * @param maskKey the key, big-endian
     * @return the header length
     */
    public static int writeHeader(byte[] dst, int off, boolean fin, boolean rsv1, int opcode, long length,
            boolean masked, int maskKey) {
        int p = off;
        dst[p++] = (byte) ((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
        int maskBit = masked ? 0x80 : 0;
        if (length <= 125) {
            dst[p++] = (byte) (maskBit | length);
        } else if (length <= 0xFFFF) {
            dst[p++] = (byte) (maskBit | 126);
            dst[p++] = (byte) (length >>> 8);
            dst[p++] = (byte) length;
        } else {
            dst[p++] = (byte) (maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                dst[p++] = (byte) (length >>> shift);
            }
        }
        if (masked) {
            dst[p++] = (byte) (maskKey >>> 24);
            dst[p++] = (byte) (maskKey >>> 16);
            dst[p++] = (byte) (maskKey >>> 8);
            dst[p++] = (byte) maskKey;
        }
        return p - off;
    }

    /**
     * @param length a payload length
     * @param masked whether the frame carries a key
     * @return the header size for it
     */
    public static int headerSize(long length, boolean masked) {
        int base = length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
        return masked ? base + 4 : base;
    }
}
