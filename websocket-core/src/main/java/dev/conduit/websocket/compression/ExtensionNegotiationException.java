package dev.conduit.websocket.compression;

import dev.conduit.websocket.WebSocketException;

/**
 * The server's {@code Sec-WebSocket-Extensions} response is one the client must fail the
 * connection for (RFC 6455 §4.1, RFC 7692 §5 and §7.1). The Dialer reports it as a bad handshake.
 */
public final class ExtensionNegotiationException extends WebSocketException {
    private static final long serialVersionUID = 1L;

    /** @param reason what is wrong with the response */
    public ExtensionNegotiationException(String reason) {
        super("websocket: " + reason);
    }
}
