package dev.conduit.websocket;

/**
 * gorilla's {@code ErrReadLimit}: a message from the peer is larger than the connection's read
 * limit ({@link Conn#setReadLimit(long)}). Before this is thrown a close message with code
 * {@link WebSocket#CLOSE_MESSAGE_TOO_BIG} (1009) has been sent to the peer, and the read side of
 * the connection stays failed.
 */
public final class ReadLimitException extends WebSocketException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with gorilla's message {@code websocket: read limit exceeded}. */
    public ReadLimitException() {
        super("websocket: read limit exceeded");
    }
}
