package dev.conduit.websocket;

/**
 * gorilla's {@code ErrCloseSent}: thrown by every write method after this side has sent a close
 * message. Once thrown, the write side of the connection stays closed.
 */
public final class CloseSentException extends WebSocketException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with gorilla's message {@code websocket: close sent}. */
    public CloseSentException() {
        super("websocket: close sent");
    }
}
