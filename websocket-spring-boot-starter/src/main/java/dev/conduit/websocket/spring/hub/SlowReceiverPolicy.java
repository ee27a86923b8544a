package dev.conduit.websocket.spring.hub;

/** What the {@link Hub} does when a connection's send queue is full (the receiver reads slower than the topic talks). */
public enum SlowReceiverPolicy {
    /** Close the connection and remove it from every topic, like gorilla's chat hub. */
    DROP_CONNECTION,
    /** Keep the connection and skip this message for it. */
    DROP_MESSAGE
}
