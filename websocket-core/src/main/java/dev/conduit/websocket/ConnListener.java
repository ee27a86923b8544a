package dev.conduit.websocket;

import java.io.IOException;
import java.util.List;

/**
 * Receives a connection's events, for metrics. Every method has an empty default, and a
 * connection without a listener uses {@link #NONE}, so the cost of not listening is a call the
 * JIT removes. Methods are called on the thread that caused the event and must not block.
 */
public interface ConnListener {
    /** A listener that ignores everything. */
    ConnListener NONE = new ConnListener() {
    };

    /** Who ended a connection. */
    enum Initiator {
        /** This side sent the first close message. */
        LOCAL,
        /** The peer sent the first close message. */
        REMOTE,
        /** The transport ended without a completed close handshake. */
        ABNORMAL
    }

    /** What kind of error ended or disturbed a connection. */
    enum ErrorKind {
        /** The peer broke the protocol (close 1002). */
        PROTOCOL,
        /** A text message or close reason was not UTF-8 (close 1007). */
        INVALID_UTF8,
        /** A message exceeded the read limit (close 1009). */
        MESSAGE_TOO_BIG,
        /** A read or write deadline passed. */
        TIMEOUT,
        /** The transport failed. */
        IO,
        /** The application's handler threw. */
        HANDLER,
        /**
         * The server could not set up the upgraded connection's transport (a failed takeover of
         * Tomcat's channel): the connection was closed before its handler ran.
         */
        TRANSPORT
    }

    /**
     * Combines listeners: each event goes to every listener, in order.
     *
     * @param listeners the listeners; {@code null} and {@link #NONE} entries are skipped
     * @return {@link #NONE} when none is left, the listener itself when one is left, otherwise
     *         a listener that calls each of them
     */
    static ConnListener composite(List<? extends ConnListener> listeners) {
        List<ConnListener> kept = listeners.stream()
                .filter(l -> l != null && l != NONE)
                .map(ConnListener.class::cast)
                .toList();
        if (kept.isEmpty()) {
            return NONE;
        }
        return kept.size() == 1 ? kept.get(0) : new CompositeConnListener(kept.toArray(new ConnListener[0]));
    }

    /**
     * Combines listeners, see {@link #composite(List)}.
     *
     * @param listeners the listeners
     * @return the combined listener
     */
    static ConnListener composite(ConnListener... listeners) {
        return composite(java.util.Arrays.asList(listeners));
    }

    /**
     * Called once for each new connection, before any of its events, on the thread that opens
     * it: returns the listener of that connection's events. The default returns this listener,
     * shared by all connections; override it to keep state per connection (for example when it
     * opened, to time its life), at the cost of an object per connection.
     * {@link #handshakeFailed} and a server handler's {@link ErrorKind#HANDLER} error are reported
     * to the shared listener, not to a per-connection one.
     *
     * @return the listener of the new connection's events
     */
    default ConnListener perConnection() {
        return this;
    }

    /**
     * An opening handshake failed, so no connection was opened. On a server the upgrade request
     * was refused and answered with {@code status} (for example 403 for a foreign origin, or 503
     * from an application's connection limit). On a client the server's answer was not a valid
     * 101 ({@code status} is the status it answered with), or no answer was read (status 0: the
     * connection, proxy, TLS or handshake timeout failed).
     *
     * @param status the HTTP status, or 0 if there was none
     * @param error why
     */
    default void handshakeFailed(int status, IOException error) {
    }

    /**
     * The connection is open.
     *
     * @param conn the connection
     */
    default void opened(Conn conn) {
    }

    /**
     * A whole data message was read.
     *
     * @param messageType text or binary
     * @param bytes its payload size (after decompression)
     */
    default void messageRead(int messageType, long bytes) {
    }

    /**
     * A whole data message was written.
     *
     * @param messageType text or binary
     * @param bytes its payload size (before compression)
     */
    default void messageWritten(int messageType, long bytes) {
    }

    /**
     * A ping or pong was received.
     *
     * @param messageType {@link WebSocket#PING_MESSAGE} or {@link WebSocket#PONG_MESSAGE}
     */
    default void controlReceived(int messageType) {
    }

    /**
     * A ping or pong was sent.
     *
     * @param messageType {@link WebSocket#PING_MESSAGE} or {@link WebSocket#PONG_MESSAGE}
     */
    default void controlSent(int messageType) {
    }

    /**
     * An error was met.
     *
     * @param kind its kind
     * @param error the exception
     */
    default void error(ErrorKind kind, Throwable error) {
    }

    /**
     * The connection's transport was closed. Called once.
     *
     * @param code the close code that ended it (1006 when no close handshake took place)
     * @param initiator who started the close
     */
    default void closed(int code, Initiator initiator) {
    }
}
