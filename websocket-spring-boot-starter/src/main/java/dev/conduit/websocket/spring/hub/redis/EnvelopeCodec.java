package dev.conduit.websocket.spring.hub.redis;

import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.spring.hub.RelayRejection;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The bytes of a {@link RelayEnvelope}, version 2:
 *
 * <pre>
 * version (1) = 2 | flags (1: bit 0 = signed) | instance (16) | sequence (8) | message type (1)
 * | topic length (2, unsigned) | topic (UTF-8) | payload length (4) | payload | HMAC-SHA256 (32, when signed)
 * </pre>
 *
 * <p>Reading trusts nothing: the whole envelope is bounded first, then each length is checked
 * against its limit and against what the bytes really hold before anything is allocated, the
 * signature (when the codec has a secret) is checked before any field is read, and only text and
 * binary messages pass. Not thread-safe (the MAC is stateful): each thread uses its own codec.
 */
final class EnvelopeCodec {
    /** The longest topic, in UTF-8 bytes, an envelope carries. */
    static final int MAX_TOPIC_BYTES = 1024;
    static final byte VERSION = 2;
    private static final int FLAG_SIGNED = 1;
    private static final int HEADER = 1 + 1 + 16 + 8 + 1 + 2;
    private static final int MAC_BYTES = 32;
    private static final String MAC_ALGORITHM = "HmacSHA256";

    private final int maxEnvelopeBytes;
    private final Mac mac;

    /**
     * @param maxEnvelopeBytes the largest envelope read or written
     * @param secret the shared secret to sign with and to require on reading, or {@code null}
     */
    EnvelopeCodec(int maxEnvelopeBytes, byte[] secret) {
        this.maxEnvelopeBytes = maxEnvelopeBytes;
        if (secret == null || secret.length == 0) {
            this.mac = null;
        } else {
            try {
                this.mac = Mac.getInstance(MAC_ALGORITHM);
                mac.init(new SecretKeySpec(secret, MAC_ALGORITHM));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA256 is not available", e);
            }
        }
    }

    /** Thrown for bytes that are not an acceptable envelope. */
    static final class RejectedException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient RelayRejection reason;

        RejectedException(RelayRejection reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        RelayRejection reason() {
            return reason;
        }
    }

    /**
     * @return the envelope's bytes, signed when the codec has a secret
     * @throws IllegalArgumentException when the topic or the whole envelope is larger than the limits
     */
    byte[] encode(RelayEnvelope envelope) {
        byte[] topic = envelope.topic().getBytes(StandardCharsets.UTF_8);
        if (topic.length > MAX_TOPIC_BYTES) {
            throw new IllegalArgumentException("topic longer than " + MAX_TOPIC_BYTES + " bytes");
        }
        long size = (long) HEADER + topic.length + 4 + envelope.data().length + (mac != null ? MAC_BYTES : 0);
        if (size > maxEnvelopeBytes) {
            throw new IllegalArgumentException("envelope of " + size + " bytes is larger than " + maxEnvelopeBytes);
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        buffer.put(VERSION).put((byte) (mac != null ? FLAG_SIGNED : 0))
                .putLong(envelope.instance().getMostSignificantBits()).putLong(envelope.instance().getLeastSignificantBits())
                .putLong(envelope.sequence())
                .put((byte) envelope.messageType())
                .putShort((short) topic.length).put(topic)
                .putInt(envelope.data().length).put(envelope.data());
        if (mac != null) {
            mac.update(buffer.array(), 0, buffer.position());
            buffer.put(mac.doFinal());
        }
        return buffer.array();
    }

    /**
     * @param bytes a message from the channel or stream
     * @return the envelope
     * @throws RejectedException when the bytes are not an envelope this codec accepts
     */
    RelayEnvelope decode(byte[] bytes) throws RejectedException {
        if (bytes.length > maxEnvelopeBytes) {
            throw new RejectedException(RelayRejection.TOO_LARGE, bytes.length + " bytes, more than " + maxEnvelopeBytes);
        }
        if (bytes.length < 1) {
            throw new RejectedException(RelayRejection.MALFORMED, "empty");
        }
        if (bytes[0] != VERSION) {
            throw new RejectedException(RelayRejection.VERSION, "version " + bytes[0]);
        }
        if (bytes.length < HEADER + 4) {
            throw new RejectedException(RelayRejection.MALFORMED, "only " + bytes.length + " bytes");
        }
        int flags = bytes[1];
        if ((flags & ~FLAG_SIGNED) != 0) {
            throw new RejectedException(RelayRejection.MALFORMED, "unknown flags " + flags);
        }
        int end = bytes.length;
        if ((flags & FLAG_SIGNED) != 0) {
            end -= MAC_BYTES;
            if (end < HEADER + 4) {
                throw new RejectedException(RelayRejection.MALFORMED, "signed but too short for a signature");
            }
            if (mac != null) {
                mac.update(bytes, 0, end);
                byte[] expected = mac.doFinal();
                if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(bytes, end, bytes.length))) {
                    throw new RejectedException(RelayRejection.BAD_SIGNATURE, "signature does not match");
                }
            }
        } else if (mac != null) {
            throw new RejectedException(RelayRejection.UNSIGNED, "not signed");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, end);
        buffer.position(2);
        UUID instance = new UUID(buffer.getLong(), buffer.getLong());
        long sequence = buffer.getLong();
        if (sequence < 1) {
            throw new RejectedException(RelayRejection.MALFORMED, "sequence " + sequence);
        }
        int messageType = buffer.get();
        if (messageType != WebSocket.TEXT_MESSAGE && messageType != WebSocket.BINARY_MESSAGE) {
            throw new RejectedException(RelayRejection.TYPE, "message type " + messageType);
        }
        int topicLength = Short.toUnsignedInt(buffer.getShort());
        if (topicLength > MAX_TOPIC_BYTES) {
            throw new RejectedException(RelayRejection.TOO_LARGE, "topic of " + topicLength + " bytes");
        }
        if (topicLength > buffer.remaining() - 4) {
            throw new RejectedException(RelayRejection.MALFORMED, "topic length " + topicLength + " beyond the envelope");
        }
        String topic;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, buffer.position(), topicLength));
            topic = chars.toString();
        } catch (CharacterCodingException e) {
            throw new RejectedException(RelayRejection.MALFORMED, "topic is not UTF-8");
        }
        buffer.position(buffer.position() + topicLength);
        int dataLength = buffer.getInt();
        if (dataLength != buffer.remaining()) {
            throw new RejectedException(RelayRejection.MALFORMED,
                    "payload length " + Integer.toUnsignedString(dataLength) + " but " + buffer.remaining() + " bytes follow");
        }
        byte[] data = Arrays.copyOfRange(bytes, buffer.position(), end);
        return new RelayEnvelope(instance, sequence, messageType, topic, data);
    }
}
