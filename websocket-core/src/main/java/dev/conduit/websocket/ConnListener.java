package dev.conduit.websocket;

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
        HANDLER
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
