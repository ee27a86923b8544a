package dev.conduit.websocket.client;

import dev.conduit.websocket.BadHandshakeException;
import dev.conduit.websocket.compression.ExtensionNegotiationException;
import dev.conduit.websocket.compression.PerMessageDeflateConfig;
import dev.conduit.websocket.compression.PerMessageDeflateNegotiation;
import dev.conduit.websocket.compression.PerMessageDeflateParams;
import dev.conduit.websocket.handshake.AcceptKey;
import dev.conduit.websocket.handshake.HeaderTokens;
import dev.conduit.websocket.net.SocketNetConn;

import java.io.IOException;
import java.net.CookieHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The client's side of the opening handshake, as the {@link Dialer} configures it: the request it
 * writes and the checks of the server's response (gorilla's, plus the subprotocol and extension
 * checks of RFC 6455 §4.1 that gorilla omits).
 */
final class ClientHandshake {
    /** Headers the dialer writes itself; a caller may not send them (gorilla's duplicate header check). */
    private static final List<String> RESERVED_HEADERS = List.of(
            "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions");
    private static final String PROTOCOL_HEADER = "Sec-WebSocket-Protocol";
    /** How long a refused handshake's body may take to arrive when there is no handshake timeout. */
    private static final Duration ERROR_BODY_WAIT = Duration.ofSeconds(5);

    private final List<String> subprotocols;
    private final PerMessageDeflateConfig compression;
    private final CookieHandler cookieHandler;
    private final boolean boundedByTimeout;

    /**
     * @param subprotocols the subprotocols offered, in order
     * @param compression what permessage-deflate to offer and accept
     * @param cookieHandler the cookie store, or {@code null}
     * @param boundedByTimeout whether a handshake timeout bounds reading a refused response's body
     */
    ClientHandshake(List<String> subprotocols, PerMessageDeflateConfig compression, CookieHandler cookieHandler,
            boolean boundedByTimeout) {
        this.subprotocols = subprotocols;
        this.compression = compression;
        this.cookieHandler = cookieHandler;
        this.boundedByTimeout = boundedByTimeout;
    }

    /** @return the upgrade request: the dialer's headers, the caller's (checked) and the cookies */
    byte[] request(DialTarget target, String key, Map<String, List<String>> callerHeaders) throws IOException {
        String host = target.authority();
        StringBuilder extra = new StringBuilder();
        List<String> cookies = new ArrayList<>();
        for (Map.Entry<String, List<String>> header : callerHeaders.entrySet()) {
            String name = header.getKey();
            checkHeaderName(name);
            List<String> values = header.getValue() == null ? List.of() : header.getValue();
            if (name.equalsIgnoreCase("Host")) {
                if (!values.isEmpty()) {
                    host = checkHeaderValue(name, values.get(0));
                }
                continue;
            }
            for (String reserved : RESERVED_HEADERS) {
                if (name.equalsIgnoreCase(reserved)) {
                    throw duplicate(name);
                }
            }
            if (name.equalsIgnoreCase(PROTOCOL_HEADER) && !subprotocols.isEmpty()) {
                throw duplicate(name);
            }
            if (name.equalsIgnoreCase("Cookie") && cookieHandler != null) {
                // Merged with the handler's cookies below: a request carries one Cookie header (RFC 6265 §5.4).
                for (String value : values) {
                    cookies.add(checkHeaderValue(name, value));
                }
                continue;
            }
            for (String value : values) {
                extra.append(name).append(": ").append(checkHeaderValue(name, value)).append("\r\n");
            }
        }

        StringBuilder request = new StringBuilder(256)
                .append("GET ").append(target.requestTarget()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        if (!subprotocols.isEmpty()) {
            request.append(PROTOCOL_HEADER).append(": ").append(String.join(", ", subprotocols)).append("\r\n");
        }
        String extensions = extensionOffer();
        if (extensions != null) {
            request.append("Sec-WebSocket-Extensions: ").append(extensions).append("\r\n");
        }
        if (cookieHandler != null) {
            for (Map.Entry<String, List<String>> e : cookieHandler.get(target.httpRequestUri(), Map.of()).entrySet()) {
                if (e.getKey().equalsIgnoreCase("Cookie") && e.getValue() != null) {
                    for (String value : e.getValue()) {
                        cookies.add(checkHeaderValue("Cookie", value));
                    }
                }
            }
            if (!cookies.isEmpty()) {
                request.append("Cookie: ").append(String.join("; ", cookies)).append("\r\n");
            }
        }
        request.append(extra).append("\r\n");
        return request.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The {@code Sec-WebSocket-Extensions} offer: permessage-deflate when compression is enabled. */
    private String extensionOffer() {
        return PerMessageDeflateNegotiation.clientOffer(compression).orElse(null);
    }

    /**
     * Validates a response the way gorilla does, plus the subprotocol and extension checks of
     * RFC 6455 §4.1 that gorilla omits.
     *
     * @return the negotiated subprotocol, empty for none
     */
    String validate(ResponseHead head, String key, SocketNetConn netConn) throws BadHandshakeException {
        String problem = null;
        if (head.status != 101) {
            problem = "expected status 101 Switching Protocols, got " + head.status + (head.reason.isEmpty() ? "" : " " + head.reason);
        } else if (!HeaderTokens.containsToken(head.values("Upgrade"), "websocket")) {
            problem = "'Upgrade' header does not contain 'websocket'";
        } else if (!HeaderTokens.containsToken(head.values("Connection"), "upgrade")) {
            problem = "'Connection' header does not contain 'upgrade'";
        } else if (!head.values("Sec-WebSocket-Accept").equals(List.of(AcceptKey.accept(key)))) {
            problem = "'Sec-WebSocket-Accept' header does not match the key";
        }
        if (problem != null) {
            if (!boundedByTimeout) {
                // Without a handshake timeout a keep-alive error response with no length would hold
                // the dial forever; the body is only a diagnostic, so give it a few seconds.
                netConn.setReadDeadline(Instant.now().plus(ERROR_BODY_WAIT));
            }
            throw new BadHandshakeException(problem, head.status, head.headers, ResponseBodyStart.read(netConn, head));
        }
        String subprotocol = checkSubprotocol(head.values(PROTOCOL_HEADER));
        if (subprotocol == null) {
            throw new BadHandshakeException("the server selected subprotocol " + head.values(PROTOCOL_HEADER)
                    + " which the client did not offer " + subprotocols, head.status, head.headers, null);
        }
        return subprotocol;
    }

    /** @return the selected subprotocol, "" for none, or {@code null} if it is not one we offered */
    private String checkSubprotocol(List<String> lines) {
        List<String> selected = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                selected.add(line.strip());
            }
        }
        if (selected.isEmpty()) {
            return "";
        }
        if (selected.size() == 1 && subprotocols.contains(selected.get(0))) {
            return selected.get(0);
        }
        return null;
    }

    /**
     * Checks the server's {@code Sec-WebSocket-Extensions} against our offer (RFC 6455 §4.1,
     * RFC 7692 §5): an extension we did not offer, or a permessage-deflate answer we cannot honour,
     * fails the handshake.
     *
     * @return the agreed permessage-deflate parameters, or {@code null} when the server declined
     */
    PerMessageDeflateParams negotiateCompression(ResponseHead head) throws BadHandshakeException {
        try {
            return PerMessageDeflateNegotiation.acceptResponse(head.values("Sec-WebSocket-Extensions"), compression)
                    .orElse(null);
        } catch (ExtensionNegotiationException e) {
            BadHandshakeException bad = new BadHandshakeException(e.getMessage().substring("websocket: ".length()),
                    head.status, head.headers, null);
            bad.initCause(e);
            throw bad;
        }
    }

    private static IllegalArgumentException duplicate(String name) {
        return new IllegalArgumentException("websocket: duplicate header not allowed: " + name);
    }

    private static void checkHeaderName(String name) {
        if (name == null || name.isEmpty() || !name.chars().allMatch(c -> HeaderTokens.isTokenChar((char) c))) {
            throw new IllegalArgumentException("websocket: invalid request header name: " + name);
        }
    }

    private static String checkHeaderValue(String name, String value) {
        if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("websocket: invalid value for request header " + name);
        }
        return value;
    }
}
