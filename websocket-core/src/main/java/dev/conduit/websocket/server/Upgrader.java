package dev.conduit.websocket.server;

import dev.conduit.websocket.BufferPool;
import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.HandshakeException;
import dev.conduit.websocket.JsonCodec;
import dev.conduit.websocket.compression.MessageDeflater;
import dev.conduit.websocket.handshake.OriginRules;
import dev.conduit.websocket.handshake.ServerHandshake;
import dev.conduit.websocket.handshake.SubprotocolSelector;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * gorilla's {@code Upgrader} for Servlet containers: turns an HTTP upgrade request into a
 * WebSocket {@link dev.conduit.websocket.Conn}. Immutable and safe for concurrent use; build one
 * with {@link #builder()} and share it.
 * <pre>{@code
 * Upgrader upgrader = Upgrader.builder().subprotocols("chat.v2", "chat.v1").build();
 *
 * protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
 *     upgrader.upgrade(request, response, null, conn -> {
 *         while (true) {
 *             Message m = conn.readMessage();
 *             conn.writeMessage(m.messageType(), m.data());
 *         }
 *     });
 * }
 * }</pre>
 * <h2>Why a handler instead of a returned Conn</h2>
 * In Go, {@code Upgrade} hijacks the connection and returns it, and the HTTP handler then loops
 * on it in the same method. That cannot work in a Servlet container: the container hands the
 * connection over ({@code HttpUpgradeHandler.init}) only <em>after</em> {@code service()} has
 * returned and the 101 answer has been written. So {@code upgrade} validates the request, sets the
 * 101 answer, asks the container to upgrade, and returns; the container then runs the
 * {@link ConnHandler} on its own thread inside {@code init}, with blocking reads and writes.
 * Reading the container's upgraded stream from any other thread is unsafe on Tomcat and Undertow
 * (measured: corrupted data, lost wake-ups, a spinning core), so with the container's streams the
 * handler's thread is the connection's reading thread; with the takeover the channel is no longer
 * the container's and a read loop reads it for the handler's thread. Other threads may write
 * (writes are serialised by the Conn).
 * <p>
 * One container thread is held per open connection. Run Tomcat on virtual threads on Java 21+
 * (Java 24+ avoids pinning in Tomcat's blocking I/O); on platform threads size the pool for the
 * number of connections plus ordinary requests.
 * <p>
 * Close your connections on shutdown (close 1001, going away), as the Spring Boot starter does:
 * a container does not end an upgraded connection it does not understand. With the takeover
 * ({@link Builder#transport}, {@link Transport}) the connection even leaves Tomcat's poller while
 * the handler runs: a read loop of this library reads for the handler thread (less CPU per message:
 * one read system call instead of three). Those threads belong to the upgrader's {@link ServerTransport}:
 * {@link #close()} the upgrader when the application stops.
 * <h2>Refused requests</h2>
 * Checked in the order documented on {@link ServerHandshake}: 405, 426 / 400, 426, 400, 400, 403,
 * 500. The {@link HandshakeErrorHandler} (default {@link HandshakeErrorHandler#PLAIN_TEXT}) writes
 * the answer, the {@link ConnListener} is told ({@link ConnListener#handshakeFailed}), and
 * {@code upgrade} throws the {@link HandshakeException} so the caller knows.
 */
public final class Upgrader implements AutoCloseable {
    /** The settings: a private copy of the builder's, its transport the one in use. */
    private final UpgraderSettings s;
    private final ServletUpgrade upgrades;
    /** Whether the transport was created here (then {@link #close()} closes it). */
    private final boolean ownsTransport;

    private Upgrader(Builder b) {
        this.s = new UpgraderSettings(b.s);
        this.ownsTransport = b.s.serverTransport == null;
        if (ownsTransport) {
            s.serverTransport = ServerTransport.create(b.s.transport, b.s.readLoops);
        }
        s.transport = s.serverTransport.mode();
        this.upgrades = new ServletUpgrade(s);
    }

    /** @return a builder with gorilla's defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return a builder holding this upgrader's settings, to derive a variant; the variant shares
     *         this upgrader's {@link ServerTransport} (closing this upgrader stops it)
     */
    public Builder toBuilder() {
        return new Builder(new UpgraderSettings(s));
    }

    /**
     * Upgrades the request to a WebSocket connection run by {@code handler}.
     * <p>
     * On success the response is set to {@code 101 Switching Protocols} and this method returns
     * at once; the container writes the 101 after the calling servlet (or filter) returns and then
     * calls {@code handler.accept(conn)} on its own thread. When the handler returns the
     * connection is closed; when it throws, close 1011 is sent first and the error goes to the
     * {@link Builder#handlerErrorHandler handler error callback} and the
     * {@link ConnListener#error ConnListener}. Return from the servlet without touching the
     * response after calling this.
     *
     * @param request the upgrade request
     * @param response its response, not committed
     * @param responseHeaders extra headers for the 101 answer (for example {@code Set-Cookie}), or
     *                        {@code null}; values have control characters replaced by spaces; must
     *                        not contain {@code Sec-WebSocket-Extensions}
     * @param handler runs the connection
     * @throws HandshakeException if the request was refused; the error answer (status and a
     *                            plain-text reason) has already been written by the error handler
     */
    public void upgrade(HttpServletRequest request, HttpServletResponse response,
                        Map<String, List<String>> responseHeaders, ConnHandler handler) throws HandshakeException {
        Objects.requireNonNull(handler, "handler");
        upgrades.upgrade(request, response, responseHeaders, handler);
    }

    /** @return the transport serving this upgrader's connections (shared with its variants) */
    public ServerTransport serverTransport() {
        return s.serverTransport;
    }

    /**
     * Stops the threads of this upgrader's {@link ServerTransport} if the upgrader created it (a
     * transport given with {@link Builder#serverTransport} belongs to whoever gave it). Connections
     * still taken over are closed; close them properly (1001) first.
     */
    @Override
    public void close() {
        if (ownsTransport) {
            s.serverTransport.close();
        }
    }

    /** @return the handshake timeout, or {@code null} for none */
    public Duration handshakeTimeout() {
        return s.handshakeTimeout;
    }

    /** @return the read buffer size (0 = default) */
    public int readBufferSize() {
        return s.readBufferSize;
    }

    /** @return the write buffer size (0 = default) */
    public int writeBufferSize() {
        return s.writeBufferSize;
    }

    /** @return the write buffer pool, or {@code null} */
    public BufferPool writeBufferPool() {
        return s.writeBufferPool;
    }

    /** @return the supported subprotocols */
    public List<String> subprotocols() {
        return s.subprotocols;
    }

    /** @return the allowed origin patterns (in addition to the same origin) */
    public List<String> allowedOriginPatterns() {
        return s.allowedOriginPatterns;
    }

    /** @return whether compression may be negotiated */
    public boolean enableCompression() {
        return s.enableCompression;
    }

    /** @return whether the server declares {@code server_no_context_takeover} when compression is negotiated */
    public boolean compressionServerNoContextTakeover() {
        return s.serverNoContextTakeover;
    }

    /** @return whether the server requires {@code client_no_context_takeover} when compression is negotiated */
    public boolean compressionClientNoContextTakeover() {
        return s.clientNoContextTakeover;
    }

    /** @return the initial compression level of new connections */
    public int compressionLevel() {
        return s.compressionLevel;
    }

    /** @return the size under which data messages are sent uncompressed */
    public int compressionMinSize() {
        return s.compressionMinSize;
    }

    /** @return the initial read limit of new connections (0 = none) */
    public long readLimit() {
        return s.readLimit;
    }

    /** @return how long an automatic pong or close reply may take to go out */
    public Duration controlTimeout() {
        return s.controlTimeout;
    }

    /** @return told when a handler throws */
    public HandlerErrorHandler handlerErrorHandler() {
        return s.handlerErrorHandler;
    }

    /** @return how long the closing handshake after a handler ends waits for the peer's close reply */
    public Duration closeTimeout() {
        return s.closeTimeout;
    }

    /** @return the listener given to new connections */
    public ConnListener listener() {
        return s.listener;
    }

    /** Builds an {@link Upgrader}; every setting is optional. */
    public static final class Builder {
        private final UpgraderSettings s;

        private Builder() {
            this(new UpgraderSettings());
        }

        private Builder(UpgraderSettings settings) {
            this.s = settings;
        }

        /**
         * How connections are served (the Spring Boot property {@code conduit.websocket.transport}):
         * {@link Transport#AUTO} (the default) takes Tomcat's plaintext NIO channel over on the
         * Tomcat versions CI verifies and uses the container's streams elsewhere. Ignored when a
         * {@link #serverTransport} is given.
         *
         * @param transport the choice
         * @return this
         */
        public Builder transport(Transport transport) {
            s.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * @param loops the number of read loops of the takeover (the Spring Boot property
         *              {@code conduit.websocket.read-loops}); 0 for one per four processors, at
         *              least one. Ignored when a {@link #serverTransport} is given
         * @return this
         * @throws IllegalArgumentException if negative
         */
        public Builder readLoops(int loops) {
            if (loops < 0) {
                throw new IllegalArgumentException("loops must be 0 (default) or more: " + loops);
            }
            s.readLoops = loops;
            return this;
        }

        /**
         * Shares a transport (its choice and its threads) between upgraders; whoever created it
         * closes it. Without one, each upgrader creates its own and {@link Upgrader#close()} stops it.
         *
         * @param transport the shared transport, or {@code null} for one of the upgrader's own
         * @return this
         */
        public Builder serverTransport(ServerTransport transport) {
            s.serverTransport = transport;
            return this;
        }

        /**
         * gorilla's {@code HandshakeTimeout}. The container, not this library, writes the 101 (under
         * its own connection timeout), so here it bounds the time from {@code upgrade()} accepting the
         * request to the container handing the connection over; past it the connection is closed
         * without calling the handler.
         *
         * @param timeout the timeout, or {@code null} for none
         * @return this
         */
        public Builder handshakeTimeout(Duration timeout) {
            s.handshakeTimeout = timeout;
            return this;
        }

        /**
         * @param size the read buffer size in bytes; 0 for the default (4096); not a message limit.
         *             A connection holds it only while frames arrive: waiting for its next message
         *             after the socket ran dry, it holds a 512-byte buffer instead
         * @return this
         */
        public Builder readBufferSize(int size) {
            s.readBufferSize = size;
            return this;
        }

        /**
         * @param size the write buffer size in bytes (the largest frame payload); 0 for the default
         *             (4096); not a message limit
         * @return this
         */
        public Builder writeBufferSize(int size) {
            s.writeBufferSize = size;
            return this;
        }

        /**
         * @param pool shares write buffers between connections, which then hold one only while
         *             writing a message; {@code null} for a buffer per connection
         * @return this
         */
        public Builder writeBufferPool(BufferPool pool) {
            s.writeBufferPool = pool;
            return this;
        }

        /**
         * @param protocols the subprotocols this server supports
         * @return this
         */
        public Builder subprotocols(String... protocols) {
            return subprotocols(List.of(protocols));
        }

        /**
         * The subprotocols this server supports. When empty, the application may choose one itself
         * by putting {@code Sec-WebSocket-Protocol} in {@code upgrade}'s response headers (gorilla).
         *
         * @param protocols the subprotocols
         * @return this
         */
        public Builder subprotocols(List<String> protocols) {
            s.subprotocols = List.copyOf(protocols);
            return this;
        }

        /**
         * @param selector chooses among the offered and supported subprotocols; default
         *                 {@link SubprotocolSelector#CLIENT_PREFERENCE}
         * @return this
         */
        public Builder subprotocolSelector(SubprotocolSelector selector) {
            s.subprotocolSelector = Objects.requireNonNull(selector, "selector");
            return this;
        }

        /**
         * gorilla's {@code Error}.
         *
         * @param handler writes the answer to a refused upgrade; default {@link HandshakeErrorHandler#PLAIN_TEXT}
         * @return this
         */
        public Builder errorHandler(HandshakeErrorHandler handler) {
            s.errorHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * @param handler told when a {@link ConnHandler} throws; default {@link HandlerErrorHandler#NONE}
         * @return this
         */
        public Builder handlerErrorHandler(HandlerErrorHandler handler) {
            s.handlerErrorHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * gorilla's {@code CheckOrigin}: replaces the default origin rule (same origin or an
         * allowed pattern). Return false to refuse the request with 403.
         *
         * @param check the check, or {@code null} for the default rule
         * @return this
         */
        public Builder checkOrigin(Predicate<HttpServletRequest> check) {
            s.checkOrigin = check;
            return this;
        }

        /**
         * Origins allowed besides the same origin, as patterns where {@code *} matches any run of
         * characters, for example {@code https://*.example.com} (see {@link OriginRules}). Ignored
         * when {@link #checkOrigin} is set.
         *
         * @param patterns the patterns
         * @return this
         */
        public Builder allowedOriginPatterns(String... patterns) {
            return allowedOriginPatterns(List.of(patterns));
        }

        /**
         * @param patterns see {@link #allowedOriginPatterns(String...)}
         * @return this
         */
        public Builder allowedOriginPatterns(List<String> patterns) {
            s.allowedOriginPatterns = List.copyOf(patterns);
            return this;
        }

        /**
         * gorilla's {@code EnableCompression}: whether permessage-deflate (RFC 7692) may be
         * negotiated. The first usable offer is accepted, with context takeover unless the client
         * asks otherwise; an offer limiting the server's window below 15 bits is declined.
         * Outgoing data messages are then compressed unless the connection's
         * {@code enableWriteCompression(false)}.
         *
         * @param enable whether to negotiate compression
         * @return this
         */
        public Builder enableCompression(boolean enable) {
            s.enableCompression = enable;
            return this;
        }

        /**
         * Memory against ratio, when compression is negotiated: without context takeover each
         * message is compressed on its own, so a connection keeps no zlib state between messages
         * (about 256 KiB per compressing and 40 KiB per decompressing direction otherwise) and a
         * {@code PreparedMessage} is compressed once for all connections; with it (the default)
         * similar messages compress much better.
         *
         * @param server declare that the server resets its compressor for every message
         * @param client require the client to reset its compressor for every message
         * @return this
         */
        public Builder compressionNoContextTakeover(boolean server, boolean client) {
            s.serverNoContextTakeover = server;
            s.clientNoContextTakeover = client;
            return this;
        }

        /**
         * @param level the initial compression level of each connection, -2 (Huffman only) to 9;
         *              default 1 as in gorilla ({@code Conn.setCompressionLevel} changes it later)
         * @return this
         * @throws IllegalArgumentException outside -2 to 9
         */
        public Builder compressionLevel(int level) {
            MessageDeflater.checkLevel(level);
            s.compressionLevel = level;
            return this;
        }

        /**
         * @param bytes data messages shorter than this are sent uncompressed (default 0: all are
         *              compressed, as in gorilla; streamed messages always are)
         * @return this
         */
        public Builder compressionMinSize(int bytes) {
            s.compressionMinSize = MessageDeflater.checkMinSize(bytes);
            return this;
        }

        /**
         * @param codec the codec of {@code readJson}/{@code writeJson}; {@code null} for Jackson
         * @return this
         */
        public Builder jsonCodec(JsonCodec codec) {
            s.jsonCodec = codec;
            return this;
        }

        /**
         * @param listener receives every new connection's events (metrics), or {@code null} for none
         * @return this
         */
        public Builder listener(ConnListener listener) {
            s.listener = listener == null ? ConnListener.NONE : listener;
            return this;
        }

        /**
         * @param limit the read limit new connections start with, in bytes; 0 for none
         * @return this
         */
        public Builder readLimit(long limit) {
            s.readLimit = limit;
            return this;
        }

        /**
         * How long an automatic pong or close reply may take to go out (default 1 s, as gorilla's
         * pong). One that does not go out in time ends the connection: a peer that pings without
         * reading cannot hold the reading thread.
         *
         * @param timeout a positive duration
         * @return this
         */
        public Builder controlTimeout(Duration timeout) {
            s.controlTimeout = UpgraderSettings.positive(timeout, "control frame timeout");
            return this;
        }

        /**
         * How long the closing handshake at the end of a handler waits for the peer's close reply
         * before the socket is closed (default 1 s, gorilla's wait for control frames).
         *
         * @param timeout a positive duration
         * @return this
         */
        public Builder closeTimeout(Duration timeout) {
            s.closeTimeout = UpgraderSettings.positive(timeout, "close timeout");
            return this;
        }

        /** @return the upgrader */
        public Upgrader build() {
            return new Upgrader(this);
        }
    }
}
