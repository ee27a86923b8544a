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
     * Runs the connection. Returning (or throwing) ends it: the transport is closed.
     * <p>
     * Letting the connection's own exceptions escape is the normal way for a read loop to end:
     * a {@link dev.conduit.websocket.WebSocketException} ({@code CloseException} when the peer
     * closed or vanished, {@code CloseSentException}, {@code ProtocolException},
     * {@code ReadLimitException}) or a {@link java.net.SocketTimeoutException} from a deadline
     * just closes the transport; the Conn has already answered and reported it. Any other
     * exception is a handler failure: the server sends close 1011 (internal error) first, then
     * reports it to the {@code Upgrader}'s handler error callback and
     * {@link dev.conduit.websocket.ConnListener#error} (kind {@code HANDLER}), and logs it at DEBUG.
     *
     * @param conn the open connection
     * @throws Exception anything, see above
     */
    void accept(Conn conn) throws Exception;

    /**
     * Called instead of {@link #accept} when the upgraded connection could not be handed over:
     * the server could not set up its transport ({@link dev.conduit.websocket.ConnListener#error}
     * kind {@code TRANSPORT}), or the handshake timeout passed before the container handed it
     * over (kind {@code TIMEOUT}). The connection is closed already. For releasing what the
     * upgrade reserved for the connection.
     *
     * @param cause why the connection could not be started
     */
    default void notStarted(Throwable cause) {
    }

    /**
     * Called once after {@link #accept} returned or threw and the connection was closed (its
     * closing handshake done or timed out). Exactly one of {@link #notStarted} and this is called
     * for every upgrade: the place for releasing what the upgrade reserved for the connection.
     *
     * @param conn the closed connection
     */
    default void ended(Conn conn) {
    }
}
