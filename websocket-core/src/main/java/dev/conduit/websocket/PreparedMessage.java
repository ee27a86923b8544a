package dev.conduit.websocket;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A message encoded once and sent to many connections with {@link Conn#writePreparedMessage}.
 * The wire form is computed lazily, once for each distinct set of connection options (server or
 * client side, compression and its level), so a broadcast compresses once, not once per receiver.
 * The payload is copied at construction; the caller may reuse its array.
 *
 * <pre>{@code
 * PreparedMessage pm = new PreparedMessage(TEXT_MESSAGE, "broadcast".getBytes(UTF_8));
 * for (Conn c : connections) {
 *     c.writePreparedMessage(pm);
 * }
 * }</pre>
 */
public final class PreparedMessage {
    private final int messageType;
    private final byte[] data;
    private final ConcurrentHashMap<Object, Object> encodings = new ConcurrentHashMap<>(4);

    /**
     * gorilla's {@code NewPreparedMessage}.
     *
     * @param messageType one of the five message types
     * @param data the payload (copied)
     * @throws IllegalArgumentException for an unknown type or a control payload over 125 bytes
     */
    public PreparedMessage(int messageType, byte[] data) {
        Objects.requireNonNull(data, "data");
        switch (messageType) {
            case WebSocket.TEXT_MESSAGE, WebSocket.BINARY_MESSAGE -> {
            }
            case WebSocket.CLOSE_MESSAGE, WebSocket.PING_MESSAGE, WebSocket.PONG_MESSAGE -> {
                if (data.length > 125) {
                    throw new IllegalArgumentException("websocket: invalid control frame");
                }
            }
            default -> throw new IllegalArgumentException("websocket: bad write message type " + messageType);
        }
        this.messageType = messageType;
        this.data = data.clone();
    }

    /** @return the message type */
    public int messageType() {
        return messageType;
    }

    /** @return a copy of the payload */
    public byte[] data() {
        return data.clone();
    }

    /** @return the payload length in bytes */
    public int length() {
        return data.length;
    }

    /**
     * For {@link Conn} implementations: the wire form of this message for one set of connection
     * options, computed by {@code encoder} the first time a key is asked for and shared after.
     *
     * @param key identifies the options the bytes depend on (must implement equals/hashCode)
     * @param encoder computes the encoding from the raw payload (it must not modify the array)
     * @param <T> the encoding's type
     * @return the cached encoding
     */
    @SuppressWarnings("unchecked")
    public <T> T encoding(Object key, Function<byte[], T> encoder) {
        return (T) encodings.computeIfAbsent(key, k -> encoder.apply(data));
    }
}
