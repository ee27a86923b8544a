package dev.conduit.websocket;

import java.io.IOException;

/**
 * Base class of every error this library raises on a WebSocket connection or handshake.
 * It is an {@link IOException} so that code written against streams handles it naturally;
 * network errors from the transport (for example {@link java.net.SocketTimeoutException})
 * are thrown as they are, not wrapped.
 */
public class WebSocketException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, prefixed {@code websocket: } like gorilla's errors */
    public WebSocketException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the original error, kept so callers can classify it
     */
    public WebSocketException(String message, Throwable cause) {
        super(message, cause);
    }
}
