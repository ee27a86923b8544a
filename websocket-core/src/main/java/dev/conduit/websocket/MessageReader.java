package dev.conduit.websocket;

import java.io.InputStream;

/**
 * The next data message as a stream, as returned by {@link Conn#nextReader()}.
 *
 * @param messageType {@link WebSocket#TEXT_MESSAGE} or {@link WebSocket#BINARY_MESSAGE}
 * @param reader the message payload; reads past its end return -1, and it is invalidated
 *               (returns -1) when the next {@code nextReader()} call moves on
 */
public record MessageReader(int messageType, InputStream reader) {
}
