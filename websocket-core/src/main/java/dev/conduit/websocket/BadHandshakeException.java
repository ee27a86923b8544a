package dev.conduit.websocket;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * gorilla's {@code ErrBadHandshake}, raised by the client ({@code Dialer}) when the server did not
 * accept the upgrade: the status was not 101, a required header was missing or wrong, or the
 * server chose a subprotocol or extension the client did not offer. It carries what the server
 * answered: the HTTP status, the response headers and up to 1024 bytes of the body.
 */
public final class BadHandshakeException extends WebSocketException {
    private static final long serialVersionUID = 1L;
    /** The HTTP status of the response. */
    private final int status;
    private final transient Map<String, List<String>> headers;
    /** The start of the response body. */
    private final byte[] body;

    /**
     * @param reason what was wrong with the response
     * @param status the HTTP status of the response (0 if none was read)
     * @param headers the response headers, keys as sent by the server
     * @param body the start of the response body (at most 1024 bytes)
     */
    public BadHandshakeException(String reason, int status, Map<String, List<String>> headers, byte[] body) {
        super("websocket: bad handshake: " + reason);
        this.status = status;
        this.headers = headers == null ? Map.of() : headers;
        this.body = body == null ? new byte[0] : body.clone();
    }

    /** @return the HTTP status the server answered with (0 if no status line was read) */
    public int status() {
        return status;
    }

    /** @return the response headers; never {@code null} */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** @return the start of the response body (at most 1024 bytes), a copy */
    public byte[] body() {
        return body.clone();
    }

    /** @return the start of the response body decoded as UTF-8 */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
