package dev.conduit.websocket;

import java.io.IOException;

/**
 * Called on the reading thread when a pong arrives (see {@link Conn#setPongHandler(PongHandler)}).
 * The default does nothing; the usual override extends the read deadline.
 */
@FunctionalInterface
public interface PongHandler {
    /**
     * @param appData the pong's payload (at most 125 bytes)
     * @throws IOException to fail the read with this error
     */
    void handle(byte[] appData) throws IOException;
}
