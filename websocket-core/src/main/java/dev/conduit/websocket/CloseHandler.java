package dev.conduit.websocket;

import java.io.IOException;

/**
 * Called on the reading thread when the peer's close message arrives (see
 * {@link Conn#setCloseHandler(CloseHandler)}), before the read fails with a
 * {@link CloseException}. The default answers with a close message carrying the same code.
 */
@FunctionalInterface
public interface CloseHandler {
    /**
     * @param code the peer's close code (1005 if the close message had no status)
     * @param text the peer's reason, possibly empty
     * @throws IOException to fail the read with this error instead of the {@link CloseException}
     */
    void handle(int code, String text) throws IOException;
}
