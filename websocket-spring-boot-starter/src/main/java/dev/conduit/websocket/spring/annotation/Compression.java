package dev.conduit.websocket.spring.annotation;

/**
 * Whether an endpoint accepts per-message compression (permessage-deflate, RFC 7692) when the
 * client offers it; see {@link WebSocketEndpoint#compression()}.
 */
public enum Compression {
    /** As {@code conduit.websocket.compression.enabled} says (off unless set). */
    DEFAULT,
    /** Accepted when offered, whatever {@code conduit.websocket.compression.enabled} says. */
    ENABLED,
    /** Never negotiated: the handshake answers without {@code Sec-WebSocket-Extensions}. */
    DISABLED
}
