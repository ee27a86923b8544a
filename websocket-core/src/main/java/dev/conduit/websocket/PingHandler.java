package dev.conduit.websocket;

import java.io.IOException;

/**
 * Called on the reading thread when a ping arrives (see {@link Conn#setPingHandler(PingHandler)}).
 * The default answers with a pong carrying the same payload.
 */
@FunctionalInterface
public interface PingHandler {
    /**
     * @param appData the ping's payload (at most 125 bytes)
     * @throws IOException to fail the read with this error
     */
    void handle(byte[] appData) throws IOException;
}
