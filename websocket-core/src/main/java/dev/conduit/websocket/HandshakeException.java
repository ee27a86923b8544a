package dev.conduit.websocket;

/**
 * gorilla's {@code HandshakeError}: the server refused an upgrade request. {@link #status()} is the
 * HTTP status sent to the client (400, 403, 405, 426, 503 or 500) and the message says what was
 * wrong with the request; the same text is written in the response body.
 */
public final class HandshakeException extends WebSocketException {
    private static final long serialVersionUID = 1L;
    /** The HTTP status answered. */
    private final int status;

    /**
     * @param status the HTTP status answered to the client
     * @param reason what was wrong, without the {@code websocket: } prefix
     */
    public HandshakeException(int status, String reason) {
        super("websocket: " + reason);
        this.status = status;
    }

    /** @return the HTTP status answered to the client */
    public int status() {
        return status;
    }
}
