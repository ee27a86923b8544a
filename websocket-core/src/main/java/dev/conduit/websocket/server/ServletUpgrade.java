package dev.conduit.websocket.server;

import dev.conduit.websocket.HandshakeException;
import dev.conduit.websocket.compression.PerMessageDeflateConfig;
import dev.conduit.websocket.conn.ConnSettings;
import dev.conduit.websocket.handshake.HandshakeRequest;
import dev.conduit.websocket.handshake.OriginRules;
import dev.conduit.websocket.handshake.ServerHandshake;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What {@link Upgrader#upgrade} does with one request: runs the server handshake, answers a
 * refusal, sets the 101 answer, asks the container to upgrade and hands the new connection's
 * settings to its {@link WebSocketUpgradeHandler}.
 */
final class ServletUpgrade {
    /** The upgrader's logger: a refusal is the upgrader's to report. */
    private static final System.Logger LOG = System.getLogger(Upgrader.class.getName());

    private final UpgraderSettings s;
    private final OriginRules originRules;

    /** @param settings the upgrader's own copy, its transport the one in use */
    ServletUpgrade(UpgraderSettings settings) {
        this.s = settings;
        this.originRules = OriginRules.sameOriginOr(settings.allowedOriginPatterns);
    }

    /** See {@link Upgrader#upgrade}. */
    void upgrade(HttpServletRequest request, HttpServletResponse response,
                 Map<String, List<String>> responseHeaders, ConnHandler handler) throws HandshakeException {
        HandshakeRequest view = new ServletHandshakeRequest(request);
        ServerHandshake.Accepted accepted;
        try {
            accepted = handshake(request).accept(view, responseHeaders);
        } catch (HandshakeException e) {
            throw refuse(request, response, e);
        }
        response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
        for (Map.Entry<String, List<String>> h : accepted.headers().entrySet()) {
            boolean first = true;
            for (String value : h.getValue()) {
                if (first) {
                    response.setHeader(h.getKey(), value);
                    first = false;
                } else {
                    response.addHeader(h.getKey(), value);
                }
            }
        }
        WebSocketUpgradeHandler upgradeHandler;
        try {
            upgradeHandler = request.upgrade(WebSocketUpgradeHandler.class);
        } catch (ServletException | IOException | RuntimeException e) {
            // Jetty 12.0 answers "Not implemented"; a request that cannot be upgraded (HTTP/2) also lands here.
            HandshakeException refused = new HandshakeException(500,
                    "the Servlet container cannot upgrade this request: " + e);
            refused.initCause(e);
            if (!response.isCommitted()) {
                response.reset(); // drop the 101 and its headers set above
            }
            throw refuse(request, response, refused);
        }
        ConnSettings settings = ConnSettings.server()
                .subprotocol(accepted.subprotocol())
                .readBufferSize(s.readBufferSize)
                .writeBufferSize(s.writeBufferSize)
                .writeBufferPool(s.writeBufferPool)
                .jsonCodec(s.jsonCodec)
                .listener(s.listener)
                .readLimit(s.readLimit)
                .controlTimeout(s.controlTimeout)
                .compression(accepted.compression())
                .compressionLevel(s.compressionLevel)
                .compressionMinSize(s.compressionMinSize);
        upgradeHandler.prepare(new WebSocketUpgradeHandler.Pending(handler, settings, s.listener, s.handlerErrorHandler,
                address(request.getLocalAddr(), request.getLocalPort()),
                address(request.getRemoteAddr(), request.getRemotePort()),
                s.handshakeTimeout == null ? 0 : System.nanoTime() + s.handshakeTimeout.toNanos(), s.closeTimeout,
                s.serverTransport));
    }

    private ServerHandshake handshake(HttpServletRequest request) {
        Predicate<HandshakeRequest> origin;
        String rule;
        if (s.checkOrigin != null) {
            origin = r -> s.checkOrigin.test(request);
            rule = "Upgrader.checkOrigin";
        } else {
            origin = originRules::allows;
            rule = originRules.toString();
        }
        return new ServerHandshake(s.subprotocols, s.subprotocolSelector, origin, rule,
                new PerMessageDeflateConfig(s.enableCompression, s.serverNoContextTakeover, s.clientNoContextTakeover));
    }

    private HandshakeException refuse(HttpServletRequest request, HttpServletResponse response, HandshakeException e) {
        // The one log line of a refusal (callers such as the starter do not log it again). A 403 names
        // the origin as well as the rule, so an operator can tell a misconfigured allow-list from an attack.
        LOG.log(System.Logger.Level.DEBUG, () -> "websocket upgrade of " + printable(request.getRequestURI())
                + " from " + request.getRemoteAddr() + " refused with " + e.status() + ": " + e.getMessage()
                + (e.status() == 403 ? " (Origin: '" + printable(request.getHeader("Origin")) + "')" : ""));
        // Before the answer is written, so that whoever sees the refusal also sees it counted.
        s.listener.handshakeFailed(e.status(), e);
        try {
            s.errorHandler.handle(request, response, e);
        } catch (IOException | RuntimeException writeFailure) {
            e.addSuppressed(writeFailure);
        }
        return e;
    }

    /** A request value in a log line: control characters escaped, so a client cannot forge log lines. */
    private static String printable(String value) {
        if (value == null) {
            return "<none>";
        }
        StringBuilder b = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static SocketAddress address(String ip, int port) {
        if (ip == null) {
            return null;
        }
        try {
            // An IP literal: parsed, no name lookup.
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException | IllegalArgumentException e) {
            return InetSocketAddress.createUnresolved(ip, Math.max(port, 0));
        }
    }
}
