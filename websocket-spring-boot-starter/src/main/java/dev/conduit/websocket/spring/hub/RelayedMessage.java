package dev.conduit.websocket.spring.hub;

/**
 * A broadcast as a relay with positions delivers it, or hands it back when a client recovers.
 *
 * @param id its position among the topic's messages ({@link MessageIds}), the same on every instance
 * @param topic the topic
 * @param messageType text or binary
 * @param data the payload
 */
public record RelayedMessage(String id, String topic, int messageType, byte[] data) {
}
