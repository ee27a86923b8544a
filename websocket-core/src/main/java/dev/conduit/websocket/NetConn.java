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
 * <h2>The write contract</h2>
 * The {@code Conn} writes every frame with one call of
 * {@link #write(byte[], int, int, byte[], int, int)}, its header and its payload together, and
 * then calls {@link #flush()}; only the payload of a large client frame, masked through a buffer
 * piece by piece, continues with {@link #write(byte[], int, int)} calls before the flush. A
 * transport that writes to a socket hands a frame's header and payload to it in one system call
 * (a gathering write, or one copy into one buffer for a small payload), so a small frame is one
 * TCP segment, and holds nothing back: what a call was given is on its way when the call returns,
 * or in a buffer that the following {@link #flush()} sends. The default implementation suits
 * transports that buffer anyway: it writes the two parts one after the other (as one write when
 * they lie next to each other in one array).
 * <p>
 * A sender that has several whole frames ready (prepared messages queued for one connection)
 * hands them over together with {@link #writeFrames(byte[][], int)}, then calls {@link #flush()}.
 * A transport that writes to a socket gives them to it in one gathering write where their size
 * allows, so many small frames cost one system call. The default writes them one after the other.
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
     * Writes a frame: its header, then its payload, as one unit (see the class comment). Blocks
     * until the transport has taken all of both. Implementations that write to a socket override
     * it to send both in one system call.
     *
     * @param header the array holding the frame's header
     * @param hoff the header's first byte
     * @param hlen the header's length (2 to 14 bytes)
     * @param payload the array holding the payload (may be {@code header}, right after it)
     * @param poff the payload's first byte
     * @param plen the payload's length (may be 0)
     * @throws java.net.SocketTimeoutException when the write deadline passes
     * @throws IOException on any other transport failure
     */
    default void write(byte[] header, int hoff, int hlen, byte[] payload, int poff, int plen) throws IOException {
        if (header == payload && hoff + hlen == poff) {
            write(header, hoff, hlen + plen);
            return;
        }
        write(header, hoff, hlen);
        if (plen > 0) {
            write(payload, poff, plen);
        }
    }

    /**
     * Writes whole frames encoded beforehand, in order, as one unit (see the class comment).
     * Blocks until the transport has taken all of them. Implementations that write to a socket
     * override it to send many small frames in one system call; what a call was given is on its
     * way when it returns, or in a buffer that the following {@link #flush()} sends.
     *
     * @param frames the frames, each a whole frame (header and payload) filling its array
     * @param count how many of {@code frames}, from the first, to write
     * @throws java.net.SocketTimeoutException when the write deadline passes
     * @throws IOException on any other transport failure
     */
    default void writeFrames(byte[][] frames, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            write(frames[i], 0, frames[i].length);
        }
    }

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
