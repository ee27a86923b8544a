package dev.conduit.websocket.handshake;

import dev.conduit.websocket.HandshakeException;
import dev.conduit.websocket.compression.PerMessageDeflateConfig;
import dev.conduit.websocket.compression.PerMessageDeflateNegotiation;
import dev.conduit.websocket.compression.PerMessageDeflateParams;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The server side of the RFC 6455 §4.2 opening handshake as pure logic: validates an upgrade
 * request and computes the headers of the {@code 101 Switching Protocols} answer. It knows no
 * Servlet container; the {@code Upgrader} adapts the request and writes the answer.
 * <p>
 * Checks, in this order (the first failing one decides the status):
 * <ol>
 *   <li>method not {@code GET}: 405, answered with {@code Allow: GET};</li>
 *   <li>no {@code Upgrade} header: 426 (the client did not ask to upgrade), answered with
 *       {@code Upgrade: websocket}; an {@code Upgrade} header without the {@code websocket} token,
 *       or a {@code Connection} header without the {@code upgrade} token: 400;</li>
 *   <li>{@code Sec-WebSocket-Version} without the token {@code 13}: 426, answered with
 *       {@code Sec-WebSocket-Version: 13};</li>
 *   <li>{@code Sec-WebSocket-Key} missing or not the base64 form of 16 bytes: 400;</li>
 *   <li>a protocol other than HTTP/1.1, or no {@code Host} header: 400;</li>
 *   <li>origin refused by the origin check: 403;</li>
 *   <li>the application's response headers contain {@code Sec-WebSocket-Extensions}: 500
 *       (extensions are negotiated here, never set by the application, as in gorilla).</li>
 * </ol>
 */
public final class ServerHandshake {
    private final List<String> subprotocols;
    private final SubprotocolSelector selector;
    private final Predicate<HandshakeRequest> originCheck;
    private final String originRule;
    private final PerMessageDeflateConfig compression;

    /**
     * @param subprotocols the server's supported subprotocols, empty for none
     * @param selector how a subprotocol is chosen, {@code null} for {@link SubprotocolSelector#CLIENT_PREFERENCE}
     * @param originCheck whether a request's origin is allowed
     * @param originRule a description of the origin check, named in the 403's reason
     * @param compressionEnabled whether permessage-deflate may be negotiated
     */
    public ServerHandshake(List<String> subprotocols, SubprotocolSelector selector,
                           Predicate<HandshakeRequest> originCheck, String originRule, boolean compressionEnabled) {
        this(subprotocols, selector, originCheck, originRule,
                compressionEnabled ? PerMessageDeflateConfig.ENABLED : PerMessageDeflateConfig.DISABLED);
    }

    /**
     * @param subprotocols the server's supported subprotocols, empty for none
     * @param selector how a subprotocol is chosen, {@code null} for {@link SubprotocolSelector#CLIENT_PREFERENCE}
     * @param originCheck whether a request's origin is allowed
     * @param originRule a description of the origin check, named in the 403's reason
     * @param compression what permessage-deflate may be negotiated
     */
    public ServerHandshake(List<String> subprotocols, SubprotocolSelector selector,
                           Predicate<HandshakeRequest> originCheck, String originRule, PerMessageDeflateConfig compression) {
        this.subprotocols = subprotocols == null ? List.of() : List.copyOf(subprotocols);
        this.selector = selector == null ? SubprotocolSelector.CLIENT_PREFERENCE : selector;
        this.originCheck = Objects.requireNonNull(originCheck, "originCheck");
        this.originRule = originRule;
        this.compression = Objects.requireNonNull(compression, "compression");
    }

    /**
     * Validates an upgrade request and builds the 101 answer.
     *
     * @param request the upgrade request
     * @param responseHeaders headers the application adds to the 101 (for example {@code Set-Cookie}),
     *                        may be {@code null}
     * @return what to answer and what was negotiated
     * @throws HandshakeException with the HTTP status to answer if the request is refused
     */
    public Accepted accept(HandshakeRequest request, Map<String, List<String>> responseHeaders)
            throws HandshakeException {
        if (!"GET".equals(request.method())) {
            throw new HandshakeException(405, "the client is not using the websocket protocol: request method is "
                    + request.method() + ", not GET");
        }
        List<String> upgrade = request.headers("Upgrade");
        if (upgrade.isEmpty()) {
            throw new HandshakeException(426, "the client is not using the websocket protocol: no 'Upgrade' header"
                    + " (this endpoint only speaks WebSocket)");
        }
        if (!HeaderTokens.containsToken(upgrade, "websocket")) {
            throw new HandshakeException(400, "the client is not using the websocket protocol:"
                    + " 'websocket' token not found in 'Upgrade' header");
        }
        if (!HeaderTokens.containsToken(request.headers("Connection"), "upgrade")) {
            throw new HandshakeException(400, "the client is not using the websocket protocol:"
                    + " 'upgrade' token not found in 'Connection' header");
        }
        if (!HeaderTokens.containsToken(request.headers("Sec-WebSocket-Version"), "13")) {
            throw new HandshakeException(426, "unsupported version: 13 not found in 'Sec-WebSocket-Version' header");
        }
        String key = request.header("Sec-WebSocket-Key");
        if (key == null || key.isBlank()) {
            throw new HandshakeException(400, "not a websocket handshake: 'Sec-WebSocket-Key' header is missing or blank");
        }
        key = key.trim();
        if (!AcceptKey.isValidClientKey(key)) {
            throw new HandshakeException(400, "not a websocket handshake:"
                    + " 'Sec-WebSocket-Key' header must be Base64 encoded value of 16-byte in length");
        }
        if (!"HTTP/1.1".equals(request.protocol())) {
            throw new HandshakeException(400, "the websocket handshake needs HTTP/1.1, the request used "
                    + request.protocol());
        }
        String host = request.header("Host");
        if (host == null || host.isBlank()) {
            throw new HandshakeException(400, "not a websocket handshake: 'Host' header is missing");
        }
        if (!originCheck.test(request)) {
            throw new HandshakeException(403, "request origin not allowed by " + originRule);
        }
        if (responseHeaders != null) {
            for (String name : responseHeaders.keySet()) {
                if ("Sec-WebSocket-Extensions".equalsIgnoreCase(name)) {
                    throw new HandshakeException(500, "application specific 'Sec-WebSocket-Extensions' headers are unsupported");
                }
            }
        }

        String subprotocol = selectSubprotocol(request, responseHeaders);
        Optional<PerMessageDeflateNegotiation.Accepted> compression = negotiateExtensions(request);
        String extensions = compression.map(PerMessageDeflateNegotiation.Accepted::responseHeader).orElse(null);

        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Upgrade", List.of("websocket"));
        headers.put("Connection", List.of("Upgrade"));
        headers.put("Sec-WebSocket-Accept", List.of(AcceptKey.accept(key)));
        if (subprotocol != null) {
            headers.put("Sec-WebSocket-Protocol", List.of(sanitize(subprotocol)));
        }
        if (extensions != null) {
            headers.put("Sec-WebSocket-Extensions", List.of(extensions));
        }
        if (responseHeaders != null) {
            for (Map.Entry<String, List<String>> e : responseHeaders.entrySet()) {
                String name = e.getKey();
                if ("Sec-WebSocket-Protocol".equalsIgnoreCase(name) || e.getValue() == null) {
                    continue;
                }
                if (!isToken(name)) {
                    throw new HandshakeException(500, "response header name '" + sanitize(name) + "' is not a token");
                }
                List<String> values = new ArrayList<>();
                for (String v : e.getValue()) {
                    values.add(sanitize(v == null ? "" : v));
                }
                headers.merge(name, values, (a, b) -> {
                    List<String> all = new ArrayList<>(a);
                    all.addAll(b);
                    return all;
                });
            }
        }
        return new Accepted(subprotocol == null ? "" : subprotocol, headers,
                compression.map(PerMessageDeflateNegotiation.Accepted::params).orElse(null));
    }

    /**
     * The headers an error answer carries besides the body: {@code Allow: GET} with 405,
     * {@code Upgrade: websocket} and {@code Sec-WebSocket-Version: 13} with 426 (RFC 7231 §6.5.15
     * requires {@code Upgrade}; RFC 6455 §4.4 the supported version).
     *
     * @param status the error status
     * @return the headers, possibly empty
     */
    public static Map<String, String> errorHeaders(int status) {
        if (status == 405) {
            return Map.of("Allow", "GET");
        }
        if (status == 426) {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Upgrade", "websocket");
            h.put("Sec-WebSocket-Version", "13");
            return h;
        }
        return Map.of();
    }

    /**
     * The client's subprotocols from every {@code Sec-WebSocket-Protocol} line, in order, trimmed,
     * without empty items.
     *
     * @param request the upgrade request
     * @return the offered subprotocols
     */
    public static List<String> offeredSubprotocols(HandshakeRequest request) {
        List<String> offered = new ArrayList<>();
        for (String line : request.headers("Sec-WebSocket-Protocol")) {
            for (String item : line.split(",")) {
                String p = item.trim();
                if (!p.isEmpty()) {
                    offered.add(p);
                }
            }
        }
        return offered;
    }

    /**
     * Replaces every byte at or below 0x1F (and DEL) by a space, so that a value cannot end the
     * header line and inject another header (response splitting), as gorilla does.
     *
     * @param value a header value
     * @return the safe value
     */
    public static String sanitize(String value) {
        StringBuilder sb = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x1F || c == 0x7F) {
                if (sb == null) {
                    sb = new StringBuilder(value);
                }
                sb.setCharAt(i, ' ');
            }
        }
        return sb == null ? value : sb.toString();
    }

    private String selectSubprotocol(HandshakeRequest request, Map<String, List<String>> responseHeaders)
            throws HandshakeException {
        if (subprotocols.isEmpty()) {
            // gorilla: without configured subprotocols the application may choose one itself by
            // putting Sec-WebSocket-Protocol in the response headers; it is used as given.
            if (responseHeaders != null) {
                for (Map.Entry<String, List<String>> e : responseHeaders.entrySet()) {
                    if ("Sec-WebSocket-Protocol".equalsIgnoreCase(e.getKey()) && e.getValue() != null
                            && !e.getValue().isEmpty()) {
                        return e.getValue().get(0);
                    }
                }
            }
            return null;
        }
        List<String> offered = offeredSubprotocols(request);
        if (offered.isEmpty()) {
            return null;
        }
        String chosen = selector.select(List.copyOf(offered), subprotocols);
        if (chosen != null && !offered.contains(chosen)) {
            // RFC 6455 §4.1: a client must fail the connection if the server picks a protocol it did not offer.
            throw new HandshakeException(500, "the subprotocol selector chose '" + sanitize(chosen)
                    + "', which the client did not offer " + offered);
        }
        return chosen;
    }

    /**
     * permessage-deflate (RFC 7692): when compression is enabled, the first usable offer among the
     * client's {@code Sec-WebSocket-Extensions} lines is accepted (see
     * {@link PerMessageDeflateNegotiation#acceptOffer}); otherwise, or when none is usable, the
     * answer has no extension header and the connection is uncompressed (RFC 6455 §9.1).
     */
    private Optional<PerMessageDeflateNegotiation.Accepted> negotiateExtensions(HandshakeRequest request) {
        return PerMessageDeflateNegotiation.acceptOffer(request.headers("Sec-WebSocket-Extensions"), compression);
    }

    private static boolean isToken(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!HeaderTokens.isTokenChar(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * An accepted upgrade.
     *
     * @param subprotocol the negotiated subprotocol, {@code ""} for none
     * @param headers the 101 response headers in order: {@code Upgrade}, {@code Connection},
     *                {@code Sec-WebSocket-Accept}, {@code Sec-WebSocket-Protocol} if negotiated, then the
     *                application's headers with control characters replaced by spaces
     * @param compression the agreed permessage-deflate parameters, {@code null} when not negotiated
     */
    public record Accepted(String subprotocol, Map<String, List<String>> headers, PerMessageDeflateParams compression) {
        /**
         * An upgrade without compression.
         *
         * @param subprotocol the negotiated subprotocol
         * @param headers the 101 response headers
         */
        public Accepted(String subprotocol, Map<String, List<String>> headers) {
            this(subprotocol, headers, null);
        }
    }
}
