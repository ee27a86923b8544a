package dev.conduit.websocket;

import java.nio.charset.StandardCharsets;

/**
 * A complete data message, as returned by {@link Conn#readMessage()}.
 *
 * @param messageType {@link WebSocket#TEXT_MESSAGE} or {@link WebSocket#BINARY_MESSAGE}
 * @param data the payload (the array is owned by the caller)
 */
public record Message(int messageType, byte[] data) {
    /** @return the payload decoded as UTF-8 (text messages are already validated) */
    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }
}
