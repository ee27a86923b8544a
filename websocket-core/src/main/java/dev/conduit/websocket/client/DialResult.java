package dev.conduit.websocket.client;

import dev.conduit.websocket.Conn;

/**
 * What {@link Dialer#dialWithResponse} returns: the open connection and the server's handshake
 * response (for example to read a cookie or a custom header the server sent with its 101).
 *
 * @param conn the open connection; the caller closes it
 * @param response the server's 101 response
 */
public record DialResult(Conn conn, HandshakeResponse response) {
}
