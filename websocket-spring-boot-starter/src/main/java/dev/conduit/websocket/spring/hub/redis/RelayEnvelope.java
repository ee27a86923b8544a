package dev.conduit.websocket.spring.hub.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * One broadcast on the Redis channel: version, publishing instance, its sequence number (to drop
 * this instance's own echo and to count what a receiver missed), message type, topic and payload.
 *
 * @param instance the publishing hub
 * @param sequence 1, 2, 3… per publishing hub
 * @param messageType text or binary
 * @param topic the topic
 * @param data the payload
 */
record RelayEnvelope(UUID instance, long sequence, int messageType, String topic, byte[] data) {
    private static final byte VERSION = 1;

    byte[] encode() {
        byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(1 + 16 + 8 + 1 + 4 + topicBytes.length + data.length);
        buffer.put(VERSION)
                .putLong(instance.getMostSignificantBits()).putLong(instance.getLeastSignificantBits())
                .putLong(sequence)
                .put((byte) messageType)
                .putInt(topicBytes.length).put(topicBytes)
                .put(data);
        return buffer.array();
    }

    /**
     * @param bytes a message from the channel
     * @return the envelope
     * @throws IllegalArgumentException when the bytes are not an envelope of this version
     */
    static RelayEnvelope decode(byte[] bytes) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            byte version = buffer.get();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown hub envelope version " + version);
            }
            UUID instance = new UUID(buffer.getLong(), buffer.getLong());
            long sequence = buffer.getLong();
            int messageType = buffer.get();
            byte[] topic = new byte[buffer.getInt()];
            buffer.get(topic);
            byte[] data = new byte[buffer.remaining()];
            buffer.get(data);
            return new RelayEnvelope(instance, sequence, messageType, new String(topic, StandardCharsets.UTF_8), data);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a hub envelope (" + bytes.length + " bytes)", e);
        }
    }
}
