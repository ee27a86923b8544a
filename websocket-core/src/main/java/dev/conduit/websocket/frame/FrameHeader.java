package dev.conduit.websocket.frame;

/**
 * One decoded frame header (RFC 6455 §5.2).
 *
 * @param fin the FIN bit: last frame of its message
 * @param rsv1 the RSV1 bit (permessage-deflate marks compressed messages with it)
 * @param rsv2 the RSV2 bit (no extension we support uses it)
 * @param rsv3 the RSV3 bit (no extension we support uses it)
 * @param opcode the 4-bit opcode
 * @param masked whether a masking key follows
 * @param maskKey the 4-byte masking key, big-endian (0 when not masked)
 * @param payloadLength the payload length in bytes
 */
public record FrameHeader(boolean fin, boolean rsv1, boolean rsv2, boolean rsv3, int opcode, boolean masked,
        int maskKey, long payloadLength) {
}
