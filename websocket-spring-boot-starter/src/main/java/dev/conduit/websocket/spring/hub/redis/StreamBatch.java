package dev.conduit.websocket.spring.hub.redis;

import dev.conduit.websocket.spring.hub.RelayRejection;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The value of one stream entry: a batch of one instance's envelopes, appended with one command so
 * that a batch retried after a failure can repeat but never overtake another
 * ({@code count (4) | length (4) | envelope | length (4) | envelope …}). Reading bounds the count
 * and each length before allocating.
 */
final class StreamBatch {
    /** Envelopes per entry at most. */
    static final int MAX_COUNT = 256;

    private StreamBatch() {
    }

    static byte[] encode(List<byte[]> envelopes) {
        int size = 4;
        for (byte[] envelope : envelopes) {
            size += 4 + envelope.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size).putInt(envelopes.size());
        for (byte[] envelope : envelopes) {
            buffer.putInt(envelope.length).put(envelope);
        }
        return buffer.array();
    }

    /**
     * @param entry the entry's value
     * @param maxEnvelopeBytes the largest envelope accepted
     * @return the envelopes, each still to be decoded
     * @throws EnvelopeCodec.RejectedException when the entry is not a batch within the limits
     */
    static List<byte[]> decode(byte[] entry, int maxEnvelopeBytes) throws EnvelopeCodec.RejectedException {
        if (entry.length < 4) {
            throw new EnvelopeCodec.RejectedException(RelayRejection.MALFORMED, "stream entry of " + entry.length + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.wrap(entry);
        int count = buffer.getInt();
        if (count < 1 || count > MAX_COUNT) {
            throw new EnvelopeCodec.RejectedException(RelayRejection.MALFORMED, "stream entry claims " + count + " envelopes");
        }
        List<byte[]> envelopes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (buffer.remaining() < 4) {
                throw new EnvelopeCodec.RejectedException(RelayRejection.MALFORMED, "stream entry cut off at envelope " + i);
            }
            int length = buffer.getInt();
            if (length < 0 || length > maxEnvelopeBytes) {
                throw new EnvelopeCodec.RejectedException(RelayRejection.TOO_LARGE, "envelope length " + Integer.toUnsignedString(length));
            }
            if (length > buffer.remaining()) {
                throw new EnvelopeCodec.RejectedException(RelayRejection.MALFORMED, "envelope length " + length + " beyond the entry");
            }
            envelopes.add(Arrays.copyOfRange(entry, buffer.position(), buffer.position() + length));
            buffer.position(buffer.position() + length);
        }
        if (buffer.hasRemaining()) {
            throw new EnvelopeCodec.RejectedException(RelayRejection.MALFORMED, buffer.remaining() + " bytes after the last envelope");
        }
        return envelopes;
    }
}
