package dev.conduit.websocket.spring.hub.redis;

import java.util.UUID;

/**
 * One broadcast between instances: publishing instance, its sequence number (to drop this
 * instance's own echo, repeats, and to count what a receiver missed), message type, topic and
 * payload. {@link EnvelopeCodec} writes and reads it.
 *
 * @param instance the publishing hub
 * @param sequence 1, 2, 3… per publishing hub
 * @param messageType text or binary
 * @param topic the topic
 * @param data the payload
 */
record RelayEnvelope(UUID instance, long sequence, int messageType, String topic, byte[] data) {
}
