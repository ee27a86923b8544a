package dev.conduit.websocket.compression;

import dev.conduit.websocket.ProtocolException;
import dev.conduit.websocket.WebSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Objects;

/**
 * The compression state of one connection on which permessage-deflate was negotiated: the agreed
 * parameters, this end's compressor and decompressor (made lazily, so a connection that never
 * sends or never receives a compressed message holds no zlib state for that direction), and the
 * write-side switches of gorilla's {@code EnableWriteCompression} and {@code SetCompressionLevel}
 * plus a minimum size.
 *
 * <p>The connection calls it from its reader (the read side) and, under its write lock, from its
 * writer (the write side); the two sides share nothing. {@link #close()} when the connection
 * closes: it {@code end()}s the zlib state.
 */
public final class ConnCompression implements AutoCloseable {
    /** By default every data message is compressed, as in gorilla. */
    public static final int DEFAULT_MIN_SIZE = 0;

    private final PerMessageDeflateParams params;
    private final boolean server;
    private volatile boolean writeEnabled = true;
    private volatile int level = MessageDeflater.DEFAULT_LEVEL;
    private volatile int minSize = DEFAULT_MIN_SIZE;
    private MessageDeflater deflater;
    private MessageInflater inflater;
    private boolean closed;

    /**
     * @param params what the handshake agreed
     * @param server whether this end is the server
     */
    public ConnCompression(PerMessageDeflateParams params, boolean server) {
        this.params = Objects.requireNonNull(params, "params");
        this.server = server;
    }

    /** @return the agreed parameters */
    public PerMessageDeflateParams params() {
        return params;
    }

    /**
     * Whether a data message starting with a frame that has {@code rsv1} is compressed: RSV1 marks
     * a compressed message, and without negotiated compression it is a protocol error (RFC 6455
     * §5.2, RFC 7692 §6).
     *
     * @param rsv1 the first frame's RSV1 bit
     * @param compression the connection's compression, or {@code null} when none was negotiated
     * @return whether the message must be inflated
     * @throws ProtocolException with 1002 for RSV1 without negotiated compression
     */
    public static boolean isCompressedMessage(boolean rsv1, ConnCompression compression) throws ProtocolException {
        if (rsv1 && compression == null) {
            throw new ProtocolException(WebSocket.CLOSE_PROTOCOL_ERROR, "RSV1 set without negotiated compression");
        }
        return rsv1;
    }

    /**
     * RFC 7692 §6.1: RSV1 may be set only on the first frame of a data message.
     *
     * @param rsv1 the frame's RSV1 bit
     * @param opcode the frame's opcode (continuation 0 or a control opcode)
     * @throws ProtocolException with 1002 if RSV1 is set
     */
    public static void checkNoRsv1(boolean rsv1, int opcode) throws ProtocolException {
        if (rsv1) {
            throw new ProtocolException(WebSocket.CLOSE_PROTOCOL_ERROR,
                    opcode == 0 ? "RSV1 set on a continuation frame" : "RSV1 set on a control frame");
        }
    }

    /**
     * Write side: whether the next message goes out compressed (RSV1 on its first frame).
     *
     * @param messageType the message type
     * @param length the payload length, or -1 when not known yet (a streamed message)
     * @return true for an enabled text or binary message of at least the minimum size
     */
    public boolean compressOutgoing(int messageType, long length) {
        return writeEnabled
                && (messageType == WebSocket.TEXT_MESSAGE || messageType == WebSocket.BINARY_MESSAGE)
                && (length < 0 || length >= minSize);
    }

    /** @param enable gorilla's {@code EnableWriteCompression}: whether to compress later messages */
    public void enableWriteCompression(boolean enable) {
        this.writeEnabled = enable;
    }

    /** @return whether outgoing data messages are compressed */
    public boolean writeCompressionEnabled() {
        return writeEnabled;
    }

    /**
     * @param level gorilla's {@code SetCompressionLevel}: -2 to 9, for later messages
     * @throws IllegalArgumentException outside -2 to 9
     */
    public void setLevel(int level) {
        MessageDeflater.checkLevel(level);
        this.level = level;
    }

    /** @return the level for later messages */
    public int level() {
        return level;
    }

    /** @param minSize messages shorter than this many bytes go out uncompressed (0: all compressed) */
    public void setMinSize(int minSize) {
        this.minSize = MessageDeflater.checkMinSize(minSize);
    }

    /** @return the minimum size of a compressed message */
    public int minSize() {
        return minSize;
    }

    /**
     * Whether this end compresses every message on its own. If so, the compressed form of a
     * message depends only on the message and the level, and a {@code PreparedMessage} can share
     * it between connections; with context takeover it depends on the connection's history.
     *
     * @return true for no context takeover on the messages this end sends
     */
    public boolean sendsStandaloneMessages() {
        return params.sendNoContextTakeover(server);
    }

    /**
     * Write side (under the write lock): this end's compressor, set to the current level.
     *
     * @return the compressor
     */
    public MessageDeflater deflater() {
        if (closed) {
            throw new IllegalStateException("websocket: compression closed");
        }
        if (deflater == null) {
            deflater = new MessageDeflater(level, params.sendNoContextTakeover(server));
        } else {
            deflater.setLevel(level);
        }
        return deflater;
    }

    /**
     * Read side: this end's decompressor.
     *
     * @return the decompressor
     */
    public MessageInflater inflater() {
        if (closed) {
            throw new IllegalStateException("websocket: compression closed");
        }
        if (inflater == null) {
            inflater = new MessageInflater(params.receiveNoContextTakeover(server));
        }
        return inflater;
    }

    /**
     * Write side (under the write lock): compresses a whole message with this end's compressor.
     *
     * @param data the payload
     * @param off where it starts
     * @param len its length
     * @return the compressed payload (tail removed)
     * @throws IOException if the connection's compression was closed meanwhile
     */
    public byte[] compress(byte[] data, int off, int len) throws IOException {
        MessageDeflater d;
        try {
            d = deflater();
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(16, len / 2));
        d.write(data, off, len, out::write);
        d.finishMessage(out::write);
        return out.toByteArray();
    }

    /**
     * Compresses a whole message on its own (no history), as any connection without context
     * takeover for its sending direction would: the bytes a {@code PreparedMessage} shares.
     *
     * @param data the message payload
     * @param level the level, -2 to 9
     * @return the compressed payload (tail removed)
     */
    public static byte[] compressStandalone(byte[] data, int level) {
        try (MessageDeflater d = new MessageDeflater(level, true)) {
            return d.compress(data, 0, data.length);
        }
    }

    /** Ends the zlib state. Call it once, when the connection is closed (both sides are done). */
    @Override
    public synchronized void close() {
        closed = true;
        if (deflater != null) {
            deflater.close();
        }
        if (inflater != null) {
            inflater.close();
        }
    }
}
