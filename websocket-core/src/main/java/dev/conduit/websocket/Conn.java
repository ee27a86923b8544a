package dev.conduit.websocket;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A WebSocket connection: gorilla/websocket's {@code Conn} for Java. Read a message, write a
 * message, on a plain blocking thread.
 *
 * <pre>{@code
 * while (true) {
 *     Message m = conn.readMessage();          // throws when the connection ends
 *     conn.writeMessage(m.messageType(), m.data());
 * }
 * }</pre>
 *
 * <h2>Concurrency</h2>
 * One thread reads at a time ({@link #nextReader()}, {@link #readMessage()}, {@link #readJson},
 * {@link #setReadDeadline}, the handler setters). Unlike gorilla, every write method is safe to call
 * from several threads: each {@link #writeMessage}, {@link #writeJson} and
 * {@link #writePreparedMessage} goes out whole, a {@link #nextWriter} message holds the other
 * data writers back until it is closed, and control messages ({@link #writeControl}, automatic
 * pongs and close replies) may pass between the frames of a message being streamed.
 * {@link #close()} and {@link #writeControl} may be called concurrently with everything.
 *
 * <h2>Errors</h2>
 * Read errors are permanent: once a read method throws, every later read throws the same
 * exception. Write errors are permanent for the write side. The exceptions are
 * {@link CloseException} (the peer's close message, or 1006 when TCP ended),
 * {@link ProtocolException}, {@link ReadLimitException}, {@link CloseSentException} and the
 * transport's own {@link IOException}s such as {@link java.net.SocketTimeoutException}.
 */
public interface Conn extends Closeable {

    /**
     * Reads the next complete data message. Control messages that arrive first are handled by the
     * ping, pong and close handlers on this thread.
     *
     * @return the message type ({@link WebSocket#TEXT_MESSAGE} or {@link WebSocket#BINARY_MESSAGE})
     *         and its payload
     * @throws IOException the connection's (permanent) read error
     */
    Message readMessage() throws IOException;

    /**
     * Returns the next data message as a stream. An earlier message that was not read to its end is
     * discarded. There is at most one open reader; errors are permanent.
     *
     * @return the message type and a stream over its payload
     * @throws IOException the connection's (permanent) read error
     */
    MessageReader nextReader() throws IOException;

    /**
     * Reads the next message and decodes it as JSON into a new value of {@code type}.
     *
     * @param type the type to decode
     * @param <T> the type
     * @return the value
     * @throws java.io.EOFException if the message is empty or truncated JSON
     * @throws IOException a read error, or JSON that does not fit {@code type}
     */
    <T> T readJson(Class<T> type) throws IOException;

    /**
     * Reads the next message and decodes it as JSON into a new value of a generic {@code type}.
     *
     * @param type the type to decode, for example from a {@code TypeReference}
     * @param <T> the type
     * @return the value
     * @throws IOException as {@link #readJson(Class)}
     */
    <T> T readJson(Type type) throws IOException;

    /**
     * Reads the next message and decodes it as JSON into the existing object {@code target}
     * (gorilla's {@code ReadJSON(&v)}).
     *
     * @param target the object whose properties are set
     * @throws IOException as {@link #readJson(Class)}
     */
    void readJson(Object target) throws IOException;

    /**
     * Writes a complete message. Data messages go out whole even when other threads write too;
     * control types are written as by {@link #writeControl} without a deadline.
     *
     * @param messageType one of the five message types
     * @param data the payload
     * @throws IllegalArgumentException for an unknown type, or a control payload over 125 bytes
     * @throws CloseSentException if this side already sent a close message
     * @throws IOException the transport's write error (permanent)
     */
    void writeMessage(int messageType, byte[] data) throws IOException;

    /**
     * Starts a message written as a stream; {@code close()} on the stream finishes the message.
     * A writer opened earlier by the same thread and not closed is closed first (its message is
     * sent). Other threads' data writes wait until this writer is closed.
     *
     * @param messageType one of the five message types
     * @return the stream; writes past its close throw
     * @throws IOException as {@link #writeMessage}
     */
    OutputStream nextWriter(int messageType) throws IOException;

    /**
     * Writes the JSON encoding of {@code value} as a text message. If encoding fails nothing is
     * sent.
     *
     * @param value the value
     * @throws IOException an encoding or write error
     */
    void writeJson(Object value) throws IOException;

    /**
     * Writes a close, ping or pong message, waiting at most until {@code deadline} (also for other
     * writers to finish their current frame). Safe to call concurrently with every other method;
     * a timeout here does not break the connection.
     *
     * @param messageType {@link WebSocket#CLOSE_MESSAGE}, {@link WebSocket#PING_MESSAGE} or
     *                    {@link WebSocket#PONG_MESSAGE}
     * @param data the payload, at most 125 bytes
     * @param deadline when to give up, or {@code null} for no limit
     * @throws IllegalArgumentException for a data type or a payload over 125 bytes
     * @throws java.net.SocketTimeoutException if the deadline passed
     * @throws IOException as {@link #writeMessage}
     */
    void writeControl(int messageType, byte[] data, Instant deadline) throws IOException;

    /**
     * Writes a message prepared once for many connections.
     *
     * @param message the prepared message
     * @throws IOException as {@link #writeMessage}
     */
    void writePreparedMessage(PreparedMessage message) throws IOException;

    /**
     * Writes prepared messages in order, as {@link #writePreparedMessage} does each. A server
     * connection hands the frames of those that are alike for every connection to the transport
     * together, so a sender that drains a queue writes many small messages with one system call.
     * If it fails, a leading part of the messages may have been sent.
     *
     * @param messages the prepared messages, in order
     * @throws IOException as {@link #writeMessage}
     */
    default void writePreparedMessages(List<PreparedMessage> messages) throws IOException {
        for (PreparedMessage m : messages) {
            writePreparedMessage(m);
        }
    }

    /**
     * Closes the transport at once, without sending or waiting for a close message (gorilla's
     * {@code Close}). A thread blocked in a read fails. For a graceful close use
     * {@link #close(int, String, Duration)}.
     *
     * @throws IOException if closing the transport failed
     */
    @Override
    void close() throws IOException;

    /**
     * The closing handshake: sends a close message with {@code code} and {@code reason}, waits up
     * to {@code timeout} for the peer's close message (data messages arriving meanwhile are
     * discarded unless another thread is reading), then closes the transport.
     *
     * @param code the close code (see {@link WebSocket#formatCloseMessage(int, String)})
     * @param reason the reason, at most 123 UTF-8 bytes
     * @param timeout how long to wait for the peer's close
     * @throws IOException if closing the transport failed
     */
    void close(int code, String reason, Duration timeout) throws IOException;

    /**
     * Sets when reads time out. A read that times out fails with
     * {@link java.net.SocketTimeoutException} and leaves the read side failed; writes still work, so
     * a close message can be sent.
     *
     * @param deadline the deadline, or {@code null} for none
     * @throws IOException if the transport cannot apply it
     */
    void setReadDeadline(Instant deadline) throws IOException;

    /**
     * Sets when data writes time out. After a write times out every later write fails.
     * {@link #writeControl} uses its own deadline.
     *
     * @param deadline the deadline, or {@code null} for none
     * @throws IOException if the transport cannot apply it
     */
    void setWriteDeadline(Instant deadline) throws IOException;

    /**
     * Sets the largest message, in bytes (after decompression), that may be read. A larger message
     * makes the connection send close 1009 and the read fail with {@link ReadLimitException}.
     *
     * @param limit the limit; 0 or less means none
     */
    void setReadLimit(long limit);

    /**
     * Replaces the ping handler; {@code null} restores the default, which answers with a pong
     * carrying the same payload.
     *
     * @param handler the handler
     */
    void setPingHandler(PingHandler handler);

    /** @return the current ping handler */
    PingHandler pingHandler();

    /**
     * Replaces the pong handler; {@code null} restores the default, which does nothing.
     *
     * @param handler the handler
     */
    void setPongHandler(PongHandler handler);

    /** @return the current pong handler */
    PongHandler pongHandler();

    /**
     * Replaces the close handler; {@code null} restores the default, which answers with a close
     * message carrying the same code.
     *
     * @param handler the handler
     */
    void setCloseHandler(CloseHandler handler);

    /** @return the current close handler */
    CloseHandler closeHandler();

    /**
     * Turns compression of outgoing data messages on or off; has no effect unless
     * permessage-deflate was negotiated.
     *
     * @param enable whether to compress
     */
    void enableWriteCompression(boolean enable);

    /**
     * Sets the deflate level (-2 to 9) for later messages; has no effect unless
     * permessage-deflate was negotiated.
     *
     * @param level the level
     * @throws IllegalArgumentException outside -2 to 9
     */
    void setCompressionLevel(int level);

    /** @return the local network address */
    SocketAddress localAddr();

    /** @return the peer's network address */
    SocketAddress remoteAddr();

    /** @return the negotiated subprotocol, or {@code ""} if none */
    String subprotocol();

    /**
     * The transport under this connection. Reading or writing it directly corrupts the WebSocket
     * stream.
     *
     * @return the transport
     */
    NetConn netConn();

    /**
     * @return the transport under this connection
     * @deprecated use {@link #netConn()}
     */
    @Deprecated
    default NetConn underlyingConn() {
        return netConn();
    }
}
