package dev.conduit.websocket.conn;

import dev.conduit.websocket.BufferPool;
import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.JsonCodec;
import dev.conduit.websocket.compression.ConnCompression;
import dev.conduit.websocket.compression.MessageDeflater;
import dev.conduit.websocket.compression.PerMessageDeflateParams;
import dev.conduit.websocket.json.JacksonJsonCodec;
import java.time.Duration;

/**
 * What a handshake hands to a new {@link WebSocketConn}: the side, what was negotiated, buffer
 * sizes and collaborators. Built by the {@code Upgrader} and the {@code Dialer}.
 */
public final class ConnSettings {
    /** gorilla's default read and write buffer size. */
    public static final int DEFAULT_BUFFER_SIZE = 4096;

    /**
     * The inflated size a compressed message may reach when no read limit is set (16 MiB): a
     * compressed message is bounded by default, an uncompressed one only by a read limit. A read
     * limit, set on the Upgrader, the Dialer or the Conn, replaces it ({@code Long.MAX_VALUE} lifts it).
     */
    public static final long DEFAULT_INFLATED_LIMIT = 16L * 1024 * 1024;

    /** How long an automatic control frame (pong, close reply) may take to go out, as gorilla's writeWait for pongs. */
    public static final Duration DEFAULT_CONTROL_TIMEOUT = Duration.ofSeconds(1);
    private static final byte[] NO_BYTES = new byte[0];

    boolean server;
    String subprotocol = "";
    int readBufferSize = DEFAULT_BUFFER_SIZE;
    int writeBufferSize = DEFAULT_BUFFER_SIZE;
    BufferPool writeBufferPool;
    JsonCodec jsonCodec;
    byte[] bufferedInput = NO_BYTES;
    ConnListener listener = ConnListener.NONE;
    long readLimit;
    Duration controlTimeout = DEFAULT_CONTROL_TIMEOUT;
    PerMessageDeflateParams compression;
    int compressionLevel = MessageDeflater.DEFAULT_LEVEL;
    int compressionMinSize = ConnCompression.DEFAULT_MIN_SIZE;

    private ConnSettings(boolean server) {
        this.server = server;
    }

    /** @return settings for the server side (expects masked frames, sends unmasked ones) */
    public static ConnSettings server() {
        return new ConnSettings(true);
    }

    /** @return settings for the client side (sends masked frames, expects unmasked ones) */
    public static ConnSettings client() {
        return new ConnSettings(false);
    }

    /**
     * @param subprotocol the negotiated subprotocol, {@code null} or empty for none
     * @return this
     */
    public ConnSettings subprotocol(String subprotocol) {
        this.subprotocol = subprotocol == null ? "" : subprotocol;
        return this;
    }

    /**
     * @param size read buffer size while frames arrive (an idle connection holds
     *             {@value dev.conduit.websocket.frame.FrameReader#IDLE_BUFFER_SIZE} bytes instead); 0 or
     *             less means the default 4096, below 125 is raised to 125
     * @return this
     */
    public ConnSettings readBufferSize(int size) {
        this.readBufferSize = size <= 0 ? DEFAULT_BUFFER_SIZE : Math.max(size, 125);
        return this;
    }

    /**
     * @param size write buffer size; 0 or less means the default 4096
     * @return this
     */
    public ConnSettings writeBufferSize(int size) {
        this.writeBufferSize = size <= 0 ? DEFAULT_BUFFER_SIZE : size;
        return this;
    }

    /**
     * @param pool where write buffers come from, or {@code null} for one buffer per connection
     * @return this
     */
    public ConnSettings writeBufferPool(BufferPool pool) {
        this.writeBufferPool = pool;
        return this;
    }

    /**
     * @param codec the JSON codec, or {@code null} for the default Jackson codec
     * @return this
     */
    public ConnSettings jsonCodec(JsonCodec codec) {
        this.jsonCodec = codec;
        return this;
    }

    /**
     * @param bytes bytes the handshake read past its end (the first frames), fed to the reader first
     * @return this
     */
    public ConnSettings bufferedInput(byte[] bytes) {
        this.bufferedInput = bytes == null || bytes.length == 0 ? NO_BYTES : bytes.clone();
        return this;
    }

    /**
     * @param listener receives the connection's events, or {@code null} for none
     * @return this
     */
    public ConnSettings listener(ConnListener listener) {
        this.listener = listener == null ? ConnListener.NONE : listener;
        return this;
    }

    /**
     * @param limit the initial read limit in bytes, 0 or less for none
     * @return this
     */
    public ConnSettings readLimit(long limit) {
        this.readLimit = limit;
        return this;
    }

    /**
     * @param timeout how long an automatic pong or close reply may wait for the transport (positive)
     * @return this
     */
    public ConnSettings controlTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("websocket: the control frame timeout must be positive, was " + timeout);
        }
        this.controlTimeout = timeout;
        return this;
    }

    /**
     * @param params the permessage-deflate parameters the handshake agreed
     *        ({@code PerMessageDeflateNegotiation}), or {@code null} when it was not negotiated
     * @return this
     */
    public ConnSettings compression(PerMessageDeflateParams params) {
        this.compression = params;
        return this;
    }

    /**
     * @param level the initial compression level, -2 to 9 (default 1, as gorilla); the connection's
     *        {@code setCompressionLevel} changes it later
     * @return this
     * @throws IllegalArgumentException outside -2 to 9
     */
    public ConnSettings compressionLevel(int level) {
        MessageDeflater.checkLevel(level);
        this.compressionLevel = level;
        return this;
    }

    /**
     * @param minSize data messages shorter than this many bytes are sent uncompressed (default 0:
     *        all are compressed, as in gorilla); streamed messages are always compressed
     * @return this
     */
    public ConnSettings compressionMinSize(int minSize) {
        this.compressionMinSize = MessageDeflater.checkMinSize(minSize);
        return this;
    }

    /** @return the connection's compression state, or {@code null} when not negotiated */
    ConnCompression newCompression() {
        if (compression == null) {
            return null;
        }
        ConnCompression c = new ConnCompression(compression, server);
        c.setLevel(compressionLevel);
        c.setMinSize(compressionMinSize);
        return c;
    }

    JsonCodec effectiveJsonCodec() {
        return jsonCodec != null ? jsonCodec : JacksonJsonCodec.shared();
    }
}
