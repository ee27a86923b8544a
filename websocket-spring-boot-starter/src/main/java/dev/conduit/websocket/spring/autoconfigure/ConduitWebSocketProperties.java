package dev.conduit.websocket.spring.autoconfigure;

import dev.conduit.websocket.server.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the Conduit WebSocket server side, under {@code conduit.websocket}.
 */
@ConfigurationProperties(prefix = "conduit.websocket")
public class ConduitWebSocketProperties {

    /** Whether to route @WebSocketEndpoint handlers and register the Upgrader. */
    private boolean enabled = true;

    /** Size of each connection's read buffer. */
    private DataSize readBufferSize = DataSize.ofBytes(4096);

    /** Size of each connection's write buffer; a message larger than this goes out in several frames. */
    private DataSize writeBufferSize = DataSize.ofBytes(4096);

    /**
     * Largest message a handler may read, unless its @WebSocketEndpoint sets maxMessageSize; a larger
     * message closes the connection with 1009. 0 means no limit.
     */
    private DataSize maxMessageSize = DataSize.ofMegabytes(1);

    /** Time allowed for the opening handshake. */
    private Duration handshakeTimeout = Duration.ofSeconds(10);

    /**
     * Origin patterns accepted in addition to same-origin requests (for example
     * "https://*.example.com", or "*" for any origin). Empty accepts only same-origin requests and
     * requests without an Origin header. An endpoint's allowedOrigins replaces this list.
     */
    private List<String> allowedOrigins = new ArrayList<>();

    /**
     * Subprotocols supported by endpoints that declare none, in the server's order of preference.
     */
    private List<String> subprotocols = new ArrayList<>();

    /**
     * Most connections open at once across all endpoints; upgrades beyond are refused with 503.
     * Unset: 10000 when Tomcat runs on virtual threads, else 1000. With platform threads each open
     * connection holds one of Tomcat's threads: unless server.tomcat.threads.max is set, it is raised
     * to this value plus 200 for ordinary requests.
     */
    private Integer maxConnections;

    /**
     * How long stopping the application waits for connections to end after sending them close 1001.
     * Keep it below spring.lifecycle.timeout-per-shutdown-phase.
     */
    private Duration shutdownTimeout = Duration.ofSeconds(10);

    /** How long closing a connection waits for the peer's close reply when a handler ends. */
    private Duration closeTimeout = Duration.ofSeconds(1);

    /**
     * How long an automatic pong or close reply may take to go out; one that does not go out in
     * time ends the connection, so a peer that pings without reading cannot hold it.
     */
    private Duration controlTimeout = Duration.ofSeconds(1);

    /** Per-message compression (permessage-deflate, RFC 7692). */
    private final Compression compression = new Compression();

    /**
     * Close a connection with 1001 when no frame (data, ping or pong) arrived for this long while its
     * handler reads. 0 turns it off. With the default keep-alive a live peer answers a ping every
     * ping interval, so only a peer that sends nothing at all reaches it.
     */
    private Duration idleTimeout = Duration.ofMinutes(5);

    /**
     * Most handshakes in progress at once across all endpoints; more are refused with 503. 0: no bound.
     */
    private int maxConcurrentHandshakes = 100;

    /**
     * Keep-alive: send a ping this often, so that a peer gone without FIN or RST (half-open TCP) is
     * detected when its pong does not come within {@code pong-timeout}: with the defaults a peer gone
     * silently is closed within a minute. Browsers and every RFC 6455 client answer pings on their
     * own. 0 turns the keep-alive off.
     */
    private Duration pingInterval = Duration.ofSeconds(30);

    /**
     * Keep-alive: how long a ping may stay unanswered before the connection is closed. 0: the ping
     * interval.
     */
    private Duration pongTimeout = Duration.ZERO;

    /**
     * How upgraded connections are served on Tomcat: auto (take the plaintext NIO channel over from
     * Tomcat on the versions CI verifies, Tomcat's streams on any other), container (always the
     * container's streams), takeover (take over on any Tomcat, verified or not).
     */
    private Transport transport = Transport.AUTO;

    /** Threads reading taken-over connections; 0: one per four processors, at least one. */
    private int readLoops;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public DataSize getReadBufferSize() {
        return readBufferSize;
    }

    public void setReadBufferSize(DataSize readBufferSize) {
        this.readBufferSize = readBufferSize;
    }

    public DataSize getWriteBufferSize() {
        return writeBufferSize;
    }

    public void setWriteBufferSize(DataSize writeBufferSize) {
        this.writeBufferSize = writeBufferSize;
    }

    public DataSize getMaxMessageSize() {
        return maxMessageSize;
    }

    public void setMaxMessageSize(DataSize maxMessageSize) {
        if (maxMessageSize != null && maxMessageSize.isNegative()) {
            throw new IllegalArgumentException("conduit.websocket.max-message-size must be 0 (no limit) or positive, was "
                    + maxMessageSize);
        }
        this.maxMessageSize = maxMessageSize;
    }

    public Duration getHandshakeTimeout() {
        return handshakeTimeout;
    }

    public void setHandshakeTimeout(Duration handshakeTimeout) {
        this.handshakeTimeout = handshakeTimeout;
    }

    public List<String> getAllowedOrigins() {
        return allowedOrigins;
    }

    public void setAllowedOrigins(List<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    public List<String> getSubprotocols() {
        return subprotocols;
    }

    public void setSubprotocols(List<String> subprotocols) {
        this.subprotocols = subprotocols;
    }

    public Integer getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(Integer maxConnections) {
        this.maxConnections = maxConnections;
    }

    public Duration getShutdownTimeout() {
        return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public Duration getCloseTimeout() {
        return closeTimeout;
    }

    public void setCloseTimeout(Duration closeTimeout) {
        this.closeTimeout = closeTimeout;
    }

    public Duration getControlTimeout() {
        return controlTimeout;
    }

    public void setControlTimeout(Duration controlTimeout) {
        if (controlTimeout == null || controlTimeout.isNegative() || controlTimeout.isZero()) {
            throw new IllegalArgumentException("conduit.websocket.control-timeout must be positive, was " + controlTimeout);
        }
        this.controlTimeout = controlTimeout;
    }

    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    public Duration getPingInterval() {
        return pingInterval;
    }

    public void setPingInterval(Duration pingInterval) {
        this.pingInterval = pingInterval;
    }

    public Duration getPongTimeout() {
        return pongTimeout;
    }

    public void setPongTimeout(Duration pongTimeout) {
        this.pongTimeout = pongTimeout;
    }

    public Transport getTransport() {
        return transport;
    }

    public void setTransport(Transport transport) {
        this.transport = transport;
    }

    public int getReadLoops() {
        return readLoops;
    }

    public void setReadLoops(int readLoops) {
        this.readLoops = readLoops;
    }

    public int getMaxConcurrentHandshakes() {
        return maxConcurrentHandshakes;
    }

    public void setMaxConcurrentHandshakes(int maxConcurrentHandshakes) {
        this.maxConcurrentHandshakes = maxConcurrentHandshakes;
    }

    public Compression getCompression() {
        return compression;
    }

    /**
     * Per-message compression (permessage-deflate, RFC 7692), under
     * {@code conduit.websocket.compression}. Off by default, as in gorilla; an endpoint's
     * {@code @WebSocketEndpoint(compression = ..., compressionLevel = ...)} overrides it.
     */
    public static class Compression {

        /**
         * Whether to accept permessage-deflate when a client offers it (browsers always do). Clients
         * that do not offer it are served uncompressed either way.
         */
        private boolean enabled;

        /**
         * Initial compression level of each connection: -2 (Huffman only), -1 (zlib's default, 6),
         * 0 (stored, no compression) to 9 (best). 1 is fast and compresses text well.
         */
        private int level = 1;

        /**
         * Data messages shorter than this are sent uncompressed (a deflate block costs a few bytes and
         * some CPU, which tiny messages do not repay). 0 compresses every message, as gorilla does.
         */
        private DataSize minSize = DataSize.ofBytes(0);

        /**
         * Whether the server resets its compressor for every message (on by default): a connection
         * then holds no compressor between messages (one is borrowed from a small shared pool per
         * message; with context takeover each connection keeps its own, about 256 KiB of native
         * memory outside the heap), and a broadcast PreparedMessage is compressed once for all
         * receivers instead of once per receiver, at the cost of a worse ratio for similar messages.
         */
        private boolean serverNoContextTakeover = true;

        /**
         * Whether to require the client to reset its compressor for every message (on by default),
         * so that the server keeps no decompressor between messages (about 40 KiB of native memory
         * per connection otherwise), at the cost of a worse ratio for the client's similar messages.
         */
        private boolean clientNoContextTakeover = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getLevel() {
            return level;
        }

        /**
         * @param level -2 to 9
         * @throws IllegalArgumentException outside -2 to 9, so that binding fails naming the property
         */
        public void setLevel(int level) {
            if (level < -2 || level > 9) {
                throw new IllegalArgumentException("the compression level must be -2 (Huffman only), -1 (default) "
                        + "or 0 to 9, not " + level);
            }
            this.level = level;
        }

        public DataSize getMinSize() {
            return minSize;
        }

        /**
         * @param minSize not negative
         * @throws IllegalArgumentException if negative or beyond 2 GiB
         */
        public void setMinSize(DataSize minSize) {
            if (minSize.isNegative() || minSize.toBytes() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("the minimum size must be between 0 and 2GB, not " + minSize);
            }
            this.minSize = minSize;
        }

        public boolean isServerNoContextTakeover() {
            return serverNoContextTakeover;
        }

        public void setServerNoContextTakeover(boolean serverNoContextTakeover) {
            this.serverNoContextTakeover = serverNoContextTakeover;
        }

        public boolean isClientNoContextTakeover() {
            return clientNoContextTakeover;
        }

        public void setClientNoContextTakeover(boolean clientNoContextTakeover) {
            this.clientNoContextTakeover = clientNoContextTakeover;
        }
    }
}
