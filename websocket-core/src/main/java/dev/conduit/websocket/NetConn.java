package dev.conduit.websocket;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Instant;

/**
 * The byte transport under a {@link Conn}, in the spirit of Go's {@code net.Conn}: a blocking,
 * bidirectional stream with deadlines. Implementations exist for a {@link java.net.Socket} (the
 * client) and for a Servlet container's upgraded connection (the server).
 * <p>
 * Reading or writing it directly while a {@code Conn} uses it corrupts the WebSocket stream; it is
 * exposed by {@link Conn#netConn()} for inspection and socket options.
 */
public interface NetConn extends Closeable {
    /**
     * Reads up to {@code len} bytes, blocking until at least one is available.
     *
     * @param b the buffer
     * @param off where to put the bytes
     * @param len the most to read ({@code > 0})
     * @return the number of bytes read, or -1 at the end of the stream (the peer closed)
     * @throws java.net.SocketTimeoutException when the read deadline passes
     * @throws IOException on any other transport failure
     */
    int read(byte[] b, int off, int len) throws IOException;

    /**
     * Writes all {@code len} bytes, blocking until the transport has taken them.
     *
     * @param b the bytes
     * @param off the first byte
     * @param len how many
     * @throws java.net.SocketTimeoutException when the write deadline passes
     * @throws IOException on any other transport failure
     */
    void write(byte[] b, int off, int len) throws IOException;

    /**
     * Pushes written bytes to the network.
     *
     * @throws IOException on a transport failure
     */
    void flush() throws IOException;

    /**
     * Sets the time after which a blocked or future read fails with
     * {@link java.net.SocketTimeoutException}.
     *
     * @param deadline the deadline, or {@code null} for none
     * @throws IOException if the transport cannot apply it
     */
    void setReadDeadline(Instant deadline) throws IOException;

    /**
     * Sets the time after which a blocked or future write fails with
     * {@link java.net.SocketTimeoutException}.
     *
     * @param deadline the deadline, or {@code null} for none
     * @throws IOException if the transport cannot apply it
     */
    void setWriteDeadline(Instant deadline) throws IOException;

    /** @return the local address, or {@code null} if unknown */
    SocketAddress localAddress();

    /** @return the peer's address, or {@code null} if unknown */
    SocketAddress remoteAddress();

    /**
     * Closes the transport at once. A second call does nothing.
     *
     * @throws IOException if closing failed
     */
    @Override
    void close() throws IOException;
}
