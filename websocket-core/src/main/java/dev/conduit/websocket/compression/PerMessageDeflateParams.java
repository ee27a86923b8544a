package dev.conduit.websocket.compression;

/**
 * The agreed permessage-deflate parameters of one connection (RFC 7692 §7.1), the same on both
 * ends. They tell each end whether its compressor and its decompressor start afresh for every
 * message: see {@link #sendNoContextTakeover(boolean)} and {@link #receiveNoContextTakeover(boolean)}.
 *
 * @param serverNoContextTakeover the server resets its compressor for every message
 * @param clientNoContextTakeover the client resets its compressor for every message
 * @param serverMaxWindowBits the largest window (8 to 15 bits) the server may compress with; this
 *        library compresses with 15 and accepts a smaller limit only as a client, whose 15-bit
 *        decompressor reads any smaller window
 * @param clientMaxWindowBits the largest window the client may compress with; always 15 here,
 *        since {@code java.util.zip} cannot compress with a smaller one
 */
public record PerMessageDeflateParams(
        boolean serverNoContextTakeover,
        boolean clientNoContextTakeover,
        int serverMaxWindowBits,
        int clientMaxWindowBits) {

    /** The extension token. */
    public static final String EXTENSION_NAME = "permessage-deflate";

    /** The only window size {@code java.util.zip} compresses with. */
    public static final int MAX_WINDOW_BITS = 15;

    /**
     * @param serverNoContextTakeover the server resets its compressor for every message
     * @param clientNoContextTakeover the client resets its compressor for every message
     * @param serverMaxWindowBits 8 to 15
     * @param clientMaxWindowBits 8 to 15
     * @throws IllegalArgumentException if a window size is outside 8 to 15
     */
    public PerMessageDeflateParams {
        checkWindowBits(serverMaxWindowBits);
        checkWindowBits(clientMaxWindowBits);
    }

    /**
     * @param serverNoContextTakeover the server resets its compressor for every message
     * @param clientNoContextTakeover the client resets its compressor for every message
     * @return parameters with 15-bit windows
     */
    public static PerMessageDeflateParams of(boolean serverNoContextTakeover, boolean clientNoContextTakeover) {
        return new PerMessageDeflateParams(serverNoContextTakeover, clientNoContextTakeover, MAX_WINDOW_BITS,
                MAX_WINDOW_BITS);
    }

    /**
     * Whether the end's own compressor must start afresh for every message.
     *
     * @param server whether the asking end is the server
     * @return true for no context takeover on the messages this end sends
     */
    public boolean sendNoContextTakeover(boolean server) {
        return server ? serverNoContextTakeover : clientNoContextTakeover;
    }

    /**
     * Whether the peer starts its compressor afresh for every message, so that this end's
     * decompressor may too (and need not be kept between messages).
     *
     * @param server whether the asking end is the server
     * @return true for no context takeover on the messages this end receives
     */
    public boolean receiveNoContextTakeover(boolean server) {
        return server ? clientNoContextTakeover : serverNoContextTakeover;
    }

    private static void checkWindowBits(int bits) {
        if (bits < 8 || bits > MAX_WINDOW_BITS) {
            throw new IllegalArgumentException("window bits must be 8 to 15: " + bits);
        }
    }
}
