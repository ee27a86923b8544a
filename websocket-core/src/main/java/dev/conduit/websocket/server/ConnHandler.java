package dev.conduit.websocket.server;

import dev.conduit.websocket.Conn;

/**
 * The body of a server connection: what gorilla's handlers write after
 * {@code conn, err := upgrader.Upgrade(w, r, nil)}. {@link Upgrader#upgrade} calls it once the
 * Servlet container has handed over the connection, on the container's thread, and closes the
 * connection when it returns or throws. Typically a read loop:
 * <pre>{@code
 * upgrader.upgrade(request, response, null, conn -> {
 *     while (true) {
 *         Message m = conn.readMessage();   // throws when the connection ends
 *         conn.writeMessage(m.messageType(), m.data());
 *     }
 * });
 * }</pre>
 * It lives beside the {@code Upgrader} because only the server needs it: the client's
 * {@code Dialer} returns its {@code Conn} directly, while a Servlet container runs the upgraded
 * connection only after the request handling method has returned.
 */
@FunctionalInterface
public interface ConnHandler {
    /**
     * Runs the connection. Returning (or throwing) ends it: the transport is closed. An exception
     * makes the server send close 1011 (internal error) first, then it is reported to the
     * {@code Upgrader}'s handler error callback and {@link dev.conduit.websocket.ConnListener}.
     *
     * @param conn the open connection
     * @throws Exception anything; the connection is then closed with 1011
     */
    void accept(Conn conn) throws Exception;
}
