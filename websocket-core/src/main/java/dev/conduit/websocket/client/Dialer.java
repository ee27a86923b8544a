package dev.conduit.websocket.client;

import dev.conduit.websocket.BadHandshakeException;
import dev.conduit.websocket.BufferPool;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.JsonCodec;
import dev.conduit.websocket.compression.ConnCompression;
import dev.conduit.websocket.compression.MessageDeflater;
import dev.conduit.websocket.compression.PerMessageDeflateConfig;
import dev.conduit.websocket.compression.PerMessageDeflateParams;
import dev.conduit.websocket.conn.ConnSettings;
import dev.conduit.websocket.conn.WebSocketConn;
import dev.conduit.websocket.handshake.AcceptKey;
import dev.conduit.websocket.handshake.HeaderTokens;
import dev.conduit.websocket.net.SocketNetConn;

import java.io.IOException;
import java.net.CookieHandler;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

/**
 * Opens client WebSocket connections: gorilla's {@code Dialer}.
 *
 * <pre>{@code
 * Dialer dialer = Dialer.builder()
 *         .subprotocols("chat.v2")
 *         .handshakeTimeout(Duration.ofSeconds(10))
 *         .build();
 * try (Conn conn = dialer.dial(URI.create("wss://example.com/chat"), Map.of("Origin", List.of("https://example.com")))) {
 *     conn.writeMessage(WebSocket.TEXT_MESSAGE, "hello".getBytes(StandardCharsets.UTF_8));
 *     Message reply = conn.readMessage();
 * }
 * }</pre>
 *
 * A dialer is immutable and safe to share between threads; {@link #toBuilder()} derives a variant.
 *
 * <h2>What a dial does</h2>
 * <ol>
 * <li>Checks the URL: {@code ws} or {@code wss}, no user information (gorilla's "malformed ws or
 * wss URL").</li>
 * <li>Picks a route: the explicit {@linkplain Builder#proxy(URI) proxy URI}, else the
 * {@link ProxySelector} (asked about the URL's {@code http}/{@code https} form, as the JDK's own
 * HTTP client does), else direct. HTTP proxies are tunnelled with {@code CONNECT}; SOCKS proxies go
 * through the JDK's SOCKS support.</li>
 * <li>Connects; for {@code wss} runs TLS with the configured {@link SSLContext}, SNI set to the URL
 * host and the host name verified ({@code HTTPS} endpoint identification).</li>
 * <li>Sends {@code GET} with {@code Host} (the URL's host[:port] as written, or the caller's
 * {@code Host} header), {@code Upgrade}, {@code Connection}, {@code Sec-WebSocket-Key},
 * {@code Sec-WebSocket-Version: 13}, {@code Sec-WebSocket-Protocol} and the caller's headers.</li>
 * <li>Validates the response: status 101, {@code Upgrade} containing {@code websocket},
 * {@code Connection} containing {@code upgrade}, the exact {@code Sec-WebSocket-Accept}; and, unlike
 * gorilla (RFC 6455 §4.1), no subprotocol and no extension the client did not offer.</li>
 * </ol>
 * The {@linkplain Builder#handshakeTimeout(Duration) handshake timeout} bounds steps 2 to 5
 * (connect, proxy tunnel, TLS, request and response); name resolution of a direct target is not
 * bounded. Any failure after the socket exists closes it.
 */
public final class Dialer {
    /** gorilla's {@code DefaultDialer} handshake timeout. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(45);

    private static final Dialer DEFAULT = builder().build();

    /** The settings, a private copy of the builder's. */
    private final Builder s;

    private Dialer(Builder b) {
        this.s = new Builder(b);
    }

    /**
     * gorilla's {@code DefaultDialer}: a 45 second handshake timeout, the JVM's default
     * {@link ProxySelector} and {@link SSLContext}, 4096-byte buffers.
     *
     * @return the shared default dialer
     */
    public static Dialer defaultDialer() {
        return DEFAULT;
    }

    /** @return a builder with the {@linkplain #defaultDialer() default} settings */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder starting from this dialer's settings */
    public Builder toBuilder() {
        return new Builder(s);
    }

    /**
     * Opens a connection without extra request headers.
     *
     * @param url a {@code ws://} or {@code wss://} URL
     * @return the open connection
     * @throws BadHandshakeException if the server did not accept the upgrade
     * @throws SocketTimeoutException if the handshake timeout passed
     * @throws IOException if connecting, the proxy or TLS failed
     * @throws IllegalArgumentException if the URL is not a valid {@code ws}/{@code wss} URL
     */
    public Conn dial(URI url) throws IOException {
        return dialWithResponse(url, Map.of()).conn();
    }

    /**
     * Opens a connection (gorilla's {@code Dial}).
     *
     * @param url a {@code ws://} or {@code wss://} URL
     * @param requestHeaders extra request headers such as {@code Origin}, {@code Cookie} or
     *        {@code Authorization}; a {@code Host} entry replaces the {@code Host} header (not the
     *        address dialed nor the TLS server name); may be {@code null}
     * @return the open connection
     * @throws BadHandshakeException if the server did not accept the upgrade; it carries the status,
     *         the headers and the start of the body
     * @throws SocketTimeoutException if the handshake timeout passed
     * @throws IOException if connecting, the proxy or TLS failed
     * @throws IllegalArgumentException if the URL is not a valid {@code ws}/{@code wss} URL, or a
     *         header is one the dialer sets itself ({@code websocket: duplicate header not allowed})
     *         or is not a valid header
     */
    public Conn dial(URI url, Map<String, List<String>> requestHeaders) throws IOException {
        return dialWithResponse(url, requestHeaders).conn();
    }

    /**
     * Opens a connection and returns the server's handshake response with it (gorilla's
     * {@code Dial} returning {@code *http.Response}). On a refused handshake the response is in the
     * {@link BadHandshakeException}.
     *
     * @param url a {@code ws://} or {@code wss://} URL
     * @param requestHeaders extra request headers, as for {@link #dial(URI, Map)}; may be {@code null}
     * @return the open connection and the 101 response
     * @throws BadHandshakeException if the server did not accept the upgrade
     * @throws SocketTimeoutException if the handshake timeout passed
     * @throws IOException if connecting, the proxy or TLS failed
     * @throws IllegalArgumentException as for {@link #dial(URI, Map)}
     */
    public DialResult dialWithResponse(URI url, Map<String, List<String>> requestHeaders) throws IOException {
        DialTarget target = DialTarget.of(url);
        String key = AcceptKey.newClientKey();
        ClientHandshake handshake = new ClientHandshake(s.subprotocols,
                new PerMessageDeflateConfig(s.enableCompression, s.serverNoContextTakeover, s.clientNoContextTakeover),
                s.cookieHandler, s.handshakeTimeout != null && !s.handshakeTimeout.isZero());
        byte[] request = handshake.request(target, key, requestHeaders == null ? Map.of() : requestHeaders);
        DialRoute route = DialRoute.choose(s.proxy, s.defaultProxySelector ? ProxySelector.getDefault() : s.proxySelector, target);
        Instant deadline = null;
        if (s.handshakeTimeout != null && !s.handshakeTimeout.isZero()) {
            if (s.handshakeTimeout.isNegative()) {
                throw new SocketTimeoutException("websocket: handshake timeout " + s.handshakeTimeout + " is negative");
            }
            deadline = Instant.now().plus(s.handshakeTimeout);
        }

        Socket raw = null;
        SocketNetConn netConn = null;
        try {
            raw = route.connect(target, deadline);
            Socket top = target.secure() ? DialRoute.startTls(s.sslContext, raw, target, deadline) : raw;
            netConn = new SocketNetConn(top, raw);
            netConn.setReadDeadline(deadline);
            netConn.setWriteDeadline(deadline);
            netConn.write(request, 0, request.length);
            netConn.flush();
            ResponseHead head;
            try {
                head = ResponseHead.read(netConn, "handshake");
            } catch (ResponseHead.MalformedResponseException e) {
                throw new BadHandshakeException(e.getMessage().substring("websocket: ".length()), 0, Map.of(), null);
            }
            if (s.cookieHandler != null) {
                s.cookieHandler.put(target.httpRequestUri(), head.headers);
            }
            String subprotocol = handshake.validate(head, key, netConn);
            PerMessageDeflateParams compression = handshake.negotiateCompression(head);
            netConn.setReadDeadline(null);
            netConn.setWriteDeadline(null);
            Conn conn = WebSocketConn.open(netConn, settings(subprotocol, head.leftover).compression(compression)
                    .compressionLevel(s.compressionLevel).compressionMinSize(s.compressionMinSize));
            return new DialResult(conn, new HandshakeResponse(head.status, head.reason, head.headers));
        } catch (SocketTimeoutException e) {
            closeQuietly(netConn, raw);
            if (deadline == null) {
                throw handshakeFailed(e);
            }
            SocketTimeoutException timeout = new SocketTimeoutException(
                    "websocket: the handshake with " + target.hostPort() + " did not finish within " + s.handshakeTimeout);
            timeout.initCause(e);
            throw handshakeFailed(timeout);
        } catch (IOException e) {
            closeQuietly(netConn, raw);
            throw handshakeFailed(e);
        } catch (RuntimeException | Error e) {
            closeQuietly(netConn, raw);
            throw e;
        }
    }

    /** Tells the listener that no connection came of this dial; a status when the server answered. */
    private <E extends IOException> E handshakeFailed(E error) {
        if (s.listener != null) {
            s.listener.handshakeFailed(error instanceof BadHandshakeException bad ? bad.status() : 0, error);
        }
        return error;
    }

    private ConnSettings settings(String subprotocol, byte[] leftover) {
        return ConnSettings.client()
                .subprotocol(subprotocol)
                .readBufferSize(s.readBufferSize)
                .writeBufferSize(s.writeBufferSize)
                .writeBufferPool(s.writeBufferPool)
                .jsonCodec(s.jsonCodec)
                .listener(s.listener)
                .readLimit(s.readLimit)
                .controlTimeout(s.controlTimeout)
                .bufferedInput(leftover);
    }

    private static void closeQuietly(SocketNetConn netConn, Socket raw) {
        try {
            if (netConn != null) {
                netConn.close();
            } else if (raw != null) {
                raw.close();
            }
        } catch (IOException ignored) {
            // The dial already failed; that is the error to report.
        }
    }

    /**
     * Builds a {@link Dialer}. Starts from gorilla's {@code DefaultDialer}: 45 second handshake
     * timeout, the JVM's default proxy selector and TLS context.
     */
    public static final class Builder {
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private int readBufferSize;
        private int writeBufferSize;
        private BufferPool writeBufferPool;
        private List<String> subprotocols = List.of();
        private boolean enableCompression;
        private boolean serverNoContextTakeover;
        private boolean clientNoContextTakeover;
        private int compressionLevel = MessageDeflater.DEFAULT_LEVEL;
        private int compressionMinSize = ConnCompression.DEFAULT_MIN_SIZE;
        private SSLContext sslContext;
        /** Whether to ask {@link ProxySelector#getDefault()} at dial time, so a later {@code setDefault} counts. */
        private boolean defaultProxySelector = true;
        private ProxySelector proxySelector;
        private URI proxy;
        private JsonCodec jsonCodec;
        private ConnListener listener;
        private long readLimit;
        private Duration controlTimeout = ConnSettings.DEFAULT_CONTROL_TIMEOUT;
        private CookieHandler cookieHandler;

        private Builder() {
        }

        private Builder(Builder d) {
            this.handshakeTimeout = d.handshakeTimeout;
            this.readBufferSize = d.readBufferSize;
            this.writeBufferSize = d.writeBufferSize;
            this.writeBufferPool = d.writeBufferPool;
            this.subprotocols = d.subprotocols;
            this.enableCompression = d.enableCompression;
            this.serverNoContextTakeover = d.serverNoContextTakeover;
            this.clientNoContextTakeover = d.clientNoContextTakeover;
            this.compressionLevel = d.compressionLevel;
            this.compressionMinSize = d.compressionMinSize;
            this.sslContext = d.sslContext;
            this.defaultProxySelector = d.defaultProxySelector;
            this.proxySelector = d.proxySelector;
            this.proxy = d.proxy;
            this.jsonCodec = d.jsonCodec;
            this.listener = d.listener;
            this.readLimit = d.readLimit;
            this.controlTimeout = d.controlTimeout;
            this.cookieHandler = d.cookieHandler;
        }

        /**
         * Bounds connecting, the proxy tunnel, TLS, sending the request and reading the response.
         *
         * @param timeout the limit; {@code null} or zero for none; negative makes every dial fail at once
         *        (as in gorilla)
         * @return this
         */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = timeout;
            return this;
        }

        /**
         * @param size the connection's read buffer size; 0 means 4096. It does not limit message size.
         *             It is held only while frames arrive; an idle connection holds 512 bytes.
         * @return this
         */
        public Builder readBufferSize(int size) {
            this.readBufferSize = size;
            return this;
        }

        /**
         * @param size the connection's write buffer size (the largest frame payload it sends in one
         *        piece); 0 means 4096. It does not limit message size.
         * @return this
         */
        public Builder writeBufferSize(int size) {
            this.writeBufferSize = size;
            return this;
        }

        /**
         * @param pool write buffers shared between connections, held only while a message is
         *        written; {@code null} for one buffer per connection
         * @return this
         */
        public Builder writeBufferPool(BufferPool pool) {
            this.writeBufferPool = pool;
            return this;
        }

        /**
         * @param protocols the subprotocols to offer, in order of preference; sent as one
         *        {@code Sec-WebSocket-Protocol} header. Each must be an HTTP token.
         * @return this
         * @throws IllegalArgumentException if one is not a token
         */
        public Builder subprotocols(String... protocols) {
            return subprotocols(List.of(protocols));
        }

        /**
         * @param protocols the subprotocols to offer, in order of preference
         * @return this
         * @throws IllegalArgumentException if one is not a token
         */
        public Builder subprotocols(List<String> protocols) {
            for (String p : protocols) {
                if (p == null || p.isEmpty() || !p.chars().allMatch(c -> HeaderTokens.isTokenChar((char) c))) {
                    throw new IllegalArgumentException("websocket: subprotocol must be an HTTP token: " + p);
                }
            }
            this.subprotocols = List.copyOf(protocols);
            return this;
        }

        /**
         * Asks the server for per-message compression (RFC 7692): offers
         * {@code permessage-deflate} (without {@code client_max_window_bits}, which the JDK's
         * Deflater could not honour). A server that declines leaves the connection uncompressed.
         * Outgoing data messages are compressed unless the connection's
         * {@code enableWriteCompression(false)}.
         *
         * @param enable whether to offer compression
         * @return this
         */
        public Builder enableCompression(boolean enable) {
            this.enableCompression = enable;
            return this;
        }

        /**
         * Offers {@code server_no_context_takeover} (the server must then reset its compressor for
         * every message, or the handshake fails) and/or {@code client_no_context_takeover} (this
         * client resets its own). Less memory per connection, a worse ratio for similar messages.
         *
         * @param server ask the server not to use context takeover
         * @param client promise not to use context takeover
         * @return this
         */
        public Builder compressionNoContextTakeover(boolean server, boolean client) {
            this.serverNoContextTakeover = server;
            this.clientNoContextTakeover = client;
            return this;
        }

        /**
         * @param level the initial compression level, -2 (Huffman only) to 9; default 1 as in gorilla
         * @return this
         * @throws IllegalArgumentException outside -2 to 9
         */
        public Builder compressionLevel(int level) {
            MessageDeflater.checkLevel(level);
            this.compressionLevel = level;
            return this;
        }

        /**
         * @param bytes data messages shorter than this are sent uncompressed (default 0: all are)
         * @return this
         */
        public Builder compressionMinSize(int bytes) {
            this.compressionMinSize = MessageDeflater.checkMinSize(bytes);
            return this;
        }

        /**
         * @param context the TLS context for {@code wss} URLs; {@code null} for
         *        {@link SSLContext#getDefault()}. Host names are always verified.
         * @return this
         */
        public Builder sslContext(SSLContext context) {
            this.sslContext = context;
            return this;
        }

        /**
         * @param selector chooses a proxy per URL (asked with the URL's {@code http}/{@code https}
         *        form); {@code null} for direct connections. The default is the JVM's
         *        {@link ProxySelector#getDefault()} at the time of each dial. Only the first proxy it returns is
         *        tried. HTTP proxies get a {@code CONNECT} without credentials; for credentials use
         *        {@link #proxy(URI)}.
         * @return this
         */
        public Builder proxySelector(ProxySelector selector) {
            this.defaultProxySelector = false;
            this.proxySelector = selector;
            return this;
        }

        /**
         * Sends every connection through one proxy, overriding the {@link #proxySelector}.
         *
         * @param proxyUri {@code http://[user:password@]host[:port]} (port 80 by default;
         *        credentials are sent as {@code Proxy-Authorization: Basic}) or
         *        {@code socks5://host[:port]} (port 1080); {@code null} to use the proxy selector
         * @return this
         * @throws IllegalArgumentException if the scheme is not {@code http}, {@code socks} or {@code socks5}
         */
        public Builder proxy(URI proxyUri) {
            if (proxyUri != null) {
                DialRoute.forProxyUri(proxyUri); // validates now rather than at the first dial
            }
            this.proxy = proxyUri;
            return this;
        }

        /**
         * @param codec the JSON codec of the connections; {@code null} for the default (Jackson)
         * @return this
         */
        public Builder jsonCodec(JsonCodec codec) {
            this.jsonCodec = codec;
            return this;
        }

        /**
         * @param listener receives every connection's events (for metrics); {@code null} for none
         * @return this
         */
        public Builder listener(ConnListener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * @param limit the initial read limit of the connections in bytes (see
         *        {@link Conn#setReadLimit(long)}); 0 for none, as in gorilla
         * @return this
         */
        public Builder readLimit(long limit) {
            this.readLimit = limit;
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
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("websocket: the control frame timeout must be positive, was " + timeout);
            }
            this.controlTimeout = timeout;
            return this;
        }

        /**
         * gorilla's {@code Jar}: cookies for the URL are sent with the request and the response's
         * {@code Set-Cookie} headers are stored, for example with a {@link java.net.CookieManager}.
         * The handler sees the URL's {@code http}/{@code https} form.
         *
         * @param handler the cookie store; {@code null} (the default) sends and stores no cookies
         * @return this
         */
        public Builder cookieHandler(CookieHandler handler) {
            this.cookieHandler = handler;
            return this;
        }

        /** @return the dialer */
        public Dialer build() {
            return new Dialer(this);
        }
    }

    @Override
    public String toString() {
        return "Dialer[handshakeTimeout=" + s.handshakeTimeout + ", subprotocols=" + s.subprotocols
                + ", proxy=" + (s.proxy != null ? "explicit" : s.defaultProxySelector || s.proxySelector != null ? "selector" : "none") + "]";
    }
}
