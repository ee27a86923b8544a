package dev.conduit.websocket.conn;

import dev.conduit.websocket.PreparedMessage;
import dev.conduit.websocket.compression.ConnCompression;
import dev.conduit.websocket.frame.FrameEncoder;

/**
 * The wire forms a connection asks a {@link PreparedMessage} for, each made once and kept with the
 * message: its payload as it is, a server frame every connection shares, the payload compressed on
 * its own.
 */
final class PreparedFrames {
    private PreparedFrames() {
    }

    /** Keys of the wire forms a connection asks a PreparedMessage for. */
    enum PreparedKey {
        RAW, SERVER_PLAIN
    }

    /** A PreparedMessage's payload compressed on its own at one level (client and server). */
    record CompressedPayloadKey(int level) {
    }

    /** A PreparedMessage's whole compressed server frame at one level. */
    record CompressedServerFrameKey(int level) {
    }

    /** The payload as it is. */
    static byte[] raw(PreparedMessage message) {
        return message.encoding(PreparedKey.RAW, d -> d);
    }

    /**
     * The server frame of a data message when it is the same for every connection: uncompressed,
     * or compressed without context takeover on our side (the compressed bytes then depend only on
     * the payload and the level). With context takeover they depend on the connection's history:
     * null.
     *
     * @param compression the connection's permessage-deflate, or null when not negotiated
     */
    static byte[] sharedServerFrame(PreparedMessage message, ConnCompression compression) {
        int type = message.messageType();
        if (compression == null || !compression.compressOutgoing(type, message.length())) {
            return message.encoding(PreparedKey.SERVER_PLAIN, d -> serverFrame(false, type, d));
        }
        if (!compression.sendsStandaloneMessages()) {
            return null;
        }
        byte[] z = standalonePayload(message, compression.level());
        return message.encoding(new CompressedServerFrameKey(compression.level()), d -> serverFrame(true, type, z));
    }

    /** The payload compressed without context takeover at {@code level}. */
    static byte[] standalonePayload(PreparedMessage message, int level) {
        return message.encoding(new CompressedPayloadKey(level), d -> ConnCompression.compressStandalone(d, level));
    }

    private static byte[] serverFrame(boolean rsv1, int type, byte[] payload) {
        byte[] frame = new byte[FrameEncoder.headerSize(payload.length, false) + payload.length];
        int h = FrameEncoder.writeHeader(frame, 0, true, rsv1, type, payload.length, false, 0);
        System.arraycopy(payload, 0, frame, h, payload.length);
        return frame;
    }
}
