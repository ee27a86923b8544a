package dev.conduit.websocket.server.internal;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.WebConnection;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The container's streams with direct I/O: where the container offers its plaintext non-blocking
 * channel ({@link SocketLevers#directChannel()}, Tomcat's NIO connector, with
 * {@code Transport.CONTAINER} or when the takeover is off), reads and writes first go straight to
 * it while the container's buffers hold nothing of this connection. A read that finds no data,
 * and the rest of a write the socket does not take at once, fall back to the container's blocking
 * streams ({@link ContainerNetConn}, which wait through its poller, with its timeouts).
 * <p>
 * Measured on the 16 KiB echo benchmark: through Tomcat's 8 KiB socket buffers every frame cost
 * about three write and three read system calls; directly it costs one gathering write and one or
 * two reads. A frame's header and payload go out in one gathering write (the write contract of
 * {@link dev.conduit.websocket.NetConn}), in pieces of at most {@value ContainerNetConn#WRITE_CHUNK} bytes; nothing
 * is held back. As with the JDK's channels, an interrupt that lands during a direct call closes
 * the connection; an already interrupted thread uses the container's streams.
 */
final class DirectIoNetConn extends ContainerNetConn {
    /** The channel under the container's streams, non-blocking. */
    private final SocketChannel direct;
    /** Whether the container's read buffer may hold bytes (then reads go through it until it is drained). */
    private boolean containerMayHoldInput = true;
    /**
     * Whether the last read found the socket empty after what it returned (it returned less than it
     * could). A connection that answers before reading again (request and response, echo) then
     * finds it empty once more: the next read goes straight to the container, whose blocking read
     * tries the socket once itself before it waits, instead of a direct read that would find
     * nothing first (one system call fewer per round trip).
     */
    private boolean socketRanDry;
    /** Whether the container holds written bytes not yet flushed (then writes go through it until a flush). */
    private boolean containerHoldsOutput;

    DirectIoNetConn(WebConnection connection, ServletInputStream in, ServletOutputStream out, SocketLevers levers,
                    SocketChannel direct, SocketAddress localAddress, SocketAddress remoteAddress,
                    TransportRuntime runtime) {
        super(connection, in, out, levers, localAddress, remoteAddress, runtime);
        this.direct = direct;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        long millis = startRead();
        if (!containerMayHoldInput && !Thread.currentThread().isInterrupted()) {
            if (!socketRanDry) {
                int n;
                try {
                    n = direct.read(ByteBuffer.wrap(b, off, len)); // non-blocking: 0 when nothing is there
                } catch (IOException e) {
                    ensureOpen();
                    throw e;
                }
                if (n != 0) {
                    ensureOpen();
                    socketRanDry = n < len;
                    return n;
                }
            }
            // Direct reads leave Tomcat's last-read stamp behind, and its poller times a blocked read
            // out from that stamp: without this a read deadline could fire at once.
            if (millis > 0) {
                levers.noteDirectActivity(true); // the container counts its read timeout from here
            }
        }
        int n = readThroughContainer(b, off, len, millis);
        // The container hands out at most what was asked for: less means its buffer is empty now.
        containerMayHoldInput = n == len;
        // Tomcat reads at most its buffer's size (shrunk to SHRUNK_READ_BUFFER, or larger if that
        // failed): fewer bytes than that, and than asked for, means its read emptied the socket.
        socketRanDry = n >= 0 && n < Math.min(len, TomcatSocketLevers.SHRUNK_READ_BUFFER);
        return n;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (containerHoldsOutput || !writeDirect(null, 0, 0, b, off, len)) {
            writeThroughContainer(b, off, len);
        }
    }

    @Override
    public void write(byte[] header, int hoff, int hlen, byte[] payload, int poff, int plen) throws IOException {
        boolean sideBySide = header == payload && hoff + hlen == poff; // then one array, no gathering
        if (containerHoldsOutput || !(sideBySide ? writeDirect(null, 0, 0, header, hoff, hlen + plen)
                : writeDirect(header, hoff, hlen, payload, poff, plen))) {
            writeThroughContainer(header, hoff, hlen);
            writeThroughContainer(payload, poff, plen);
        }
    }

    /**
     * Frames written together go straight to the channel in gathering writes of up to
     * {@value ContainerNetConn#WRITE_CHUNK} bytes (a larger frame alone, as {@link #write(byte[], int, int)}
     * writes it); what the socket does not take, and every frame after it, goes to the container.
     */
    @Override
    public void writeFrames(byte[][] frames, int count) throws IOException {
        int i = 0;
        while (i < count) {
            int bytes = frames[i].length;
            if (containerHoldsOutput || bytes > WRITE_CHUNK || Thread.currentThread().isInterrupted()) {
                write(frames[i], 0, bytes);
                i++;
                continue;
            }
            int end = FrameBatches.end(frames, i, count, WRITE_CHUNK);
            long millis = startDirectWrite();
            ByteBuffer[] buffers = FrameBatches.wrap(frames, i, end);
            try {
                direct.write(buffers);
            } catch (IOException e) {
                ensureOpen();
                throw e;
            }
            for (ByteBuffer rest : buffers) {
                if (rest.hasRemaining()) {
                    noteBlockingWrite(millis);
                    writeThroughContainer(rest.array(), rest.position(), rest.remaining());
                }
            }
            i = end;
        }
    }

    @Override
    void writeThroughContainer(byte[] b, int off, int len) throws IOException {
        containerHoldsOutput = true;
        super.writeThroughContainer(b, off, len);
    }

    /**
     * Checks that a direct write may start.
     *
     * @return the milliseconds left before the write deadline, or -1 for none
     * @throws SocketTimeoutException when a write timed out before or the deadline has passed
     */
    private long startDirectWrite() throws IOException {
        ensureOpen();
        if (writeTimedOut) {
            throw new SocketTimeoutException("write deadline passed");
        }
        return Deadlines.millisLeft(writeDeadline, "write");
    }

    /**
     * Writes the header (if any) and the payload straight to the channel without blocking: the
     * header with the payload's first piece in one gathering write, then piece by piece; what the
     * socket does not take goes to the container, which waits for the poller.
     *
     * @return {@code false} if direct I/O cannot be used now (nothing was written)
     */
    private boolean writeDirect(byte[] h, int hoff, int hlen, byte[] b, int off, int len) throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            return false;
        }
        long millis = startDirectWrite();
        ByteBuffer header = hlen > 0 ? ByteBuffer.wrap(h, hoff, hlen) : null;
        int done = 0;
        while (true) {
            ByteBuffer piece = ByteBuffer.wrap(b, off + done, Math.min(len - done, WRITE_CHUNK));
            try {
                if (header == null) {
                    direct.write(piece);
                } else {
                    direct.write(new ByteBuffer[] {header, piece});
                }
            } catch (IOException e) {
                ensureOpen();
                throw e;
            }
            if (header != null && header.hasRemaining()) {
                noteBlockingWrite(millis);
                writeThroughContainer(h, header.position(), header.remaining());
                writeThroughContainer(b, off + done, len - done);
                return true;
            }
            header = null;
            done = piece.position() - off;
            if (piece.hasRemaining()) {
                noteBlockingWrite(millis);
                writeThroughContainer(b, off + done, len - done);
                return true;
            }
            if (done == len) {
                return true;
            }
        }
    }

    private void noteBlockingWrite(long millis) {
        if (millis > 0 && !containerHoldsOutput) {
            levers.noteDirectActivity(false); // the container counts its write timeout from here
        }
    }

    @Override
    public void flush() throws IOException {
        if (containerHoldsOutput) {
            super.flush();
            containerHoldsOutput = false;
        }
    }
}
