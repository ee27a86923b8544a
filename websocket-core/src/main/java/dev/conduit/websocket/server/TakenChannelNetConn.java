package dev.conduit.websocket.server;

import dev.conduit.websocket.NetConn;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

/**
 * A {@link NetConn} over a container's plaintext socket channel after it was taken from the
 * container's poller ({@link SocketLevers#takeChannel()}) and put in blocking mode: the JDK alone
 * reads and writes it for the life of the WebSocket.
 * <p>
 * Why: through the container, every read that finds no data parks the thread and is woken by the
 * container's poller thread (an event queue, a selector wake-up, a monitor notify). A blocking
 * channel read waits in the kernel on a platform thread, and in the JDK's own poller on a virtual
 * thread, which costs fewer system calls and no hand-off through another queue (measured in
 * BENCHMARKS.md, "Third round").
 * <ul>
 *   <li>Bytes the container had already read with the upgrade request are returned first.</li>
 *   <li>Read deadlines are the socket's {@code SO_TIMEOUT}, set to the time left before each read
 *       (the channel's socket adaptor honours it; the channel's own {@code read} does not).</li>
 *   <li>A write deadline arms the shared {@link DeadlineWatchdog}, which shuts the output down
 *       when a write is still blocked at the deadline: the write fails with
 *       {@link SocketTimeoutException} and later writes fail too (the seed: after a write timeout
 *       the connection's state is corrupt).</li>
 *   <li>A frame header written alone is held back and goes out with the payload (or the flush) in
 *       one gathering write, so a frame costs one system call.</li>
 *   <li>{@link #close()} shuts both halves down, which wakes a blocked reader and tells the peer;
 *       the container closes the channel itself once the handler has returned.</li>
 *   <li>As with any JDK channel, interrupting a thread blocked in a read or write closes the
 *       channel.</li>
 * </ul>
 */
final class TakenChannelNetConn implements NetConn {
    private static final System.Logger LOG = System.getLogger(TakenChannelNetConn.class.getName());
    /** The longest write held back to be sent with the next one: a frame header. */
    private static final int HOLD_MAX = 14;

    private final SocketChannel channel;
    /** The channel's socket adaptor stream: a blocking read that honours {@code SO_TIMEOUT}. */
    private final InputStream in;
    private final SocketAddress localAddress;
    private final SocketAddress remoteAddress;
    /** Bytes the container read before the channel was taken; null once consumed. Reader only. */
    private byte[] early;
    private int earlyPosition;
    /** The timeout last given to the socket; reader only. */
    private int appliedSoTimeout;
    /** A frame header held back for the next write; guarded by the Conn's frame lock. */
    private final byte[] held = new byte[HOLD_MAX];
    private int heldLength;
    private volatile Instant readDeadline;
    private volatile Instant writeDeadline;
    private volatile boolean closed;
    private volatile boolean writeTimedOut;

    /**
     * @param channel the connected channel, in blocking mode, its selection key cancelled
     * @param early what the container had read past the upgrade request (may be empty)
     */
    TakenChannelNetConn(SocketChannel channel, byte[] early, SocketAddress localAddress, SocketAddress remoteAddress)
            throws IOException {
        this.channel = channel;
        this.in = channel.socket().getInputStream();
        this.early = early.length > 0 ? early : null;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        if (len == 0) {
            return 0;
        }
        if (early != null) {
            int n = Math.min(len, early.length - earlyPosition);
            System.arraycopy(early, earlyPosition, b, off, n);
            earlyPosition += n;
            if (earlyPosition == early.length) {
                early = null;
            }
            return n;
        }
        int timeout = timeoutMillis(readDeadline, "read");
        if (timeout != appliedSoTimeout) {
            channel.socket().setSoTimeout(timeout);
            appliedSoTimeout = timeout;
        }
        int n;
        try {
            n = in.read(b, off, len);
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            ensureOpen(); // closed by us: say so rather than "Socket input is shutdown"
            throw e;
        }
        if (n < 0) {
            ensureOpen(); // the end we caused by shutting the input down, not the peer's
        }
        return n;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        if (heldLength == 0 && len <= HOLD_MAX) {
            System.arraycopy(b, off, held, 0, len);
            heldLength = len;
            return;
        }
        ByteBuffer payload = ByteBuffer.wrap(b, off, len);
        if (heldLength == 0) {
            writeFully(new ByteBuffer[] {payload});
        } else {
            ByteBuffer header = ByteBuffer.wrap(held, 0, heldLength);
            heldLength = 0;
            writeFully(new ByteBuffer[] {header, payload});
        }
    }

    @Override
    public void flush() throws IOException {
        if (heldLength > 0) {
            ByteBuffer alone = ByteBuffer.wrap(held, 0, heldLength);
            heldLength = 0;
            writeFully(new ByteBuffer[] {alone});
        }
    }

    private void writeFully(ByteBuffer[] buffers) throws IOException {
        if (writeTimedOut) {
            throw new SocketTimeoutException("write deadline passed");
        }
        int timeout = timeoutMillis(writeDeadline, "write");
        ScheduledFuture<?> alarm = timeout > 0 ? DeadlineWatchdog.schedule(this::writeDeadlinePassed, timeout) : null;
        ByteBuffer last = buffers[buffers.length - 1];
        try {
            while (last.hasRemaining()) {
                channel.write(buffers); // blocking: returns once the socket took some; loop for the rest
            }
        } catch (IOException e) {
            if (writeTimedOut) {
                SocketTimeoutException timedOut = new SocketTimeoutException("write deadline passed");
                timedOut.initCause(e);
                throw timedOut;
            }
            ensureOpen();
            throw e;
        } finally {
            if (alarm != null) {
                alarm.cancel(false);
            }
        }
    }

    private void writeDeadlinePassed() {
        writeTimedOut = true;
        SocketLevers.shutdown(channel, false, LOG);
    }

    @Override
    public void setReadDeadline(Instant deadline) {
        this.readDeadline = deadline;
    }

    @Override
    public void setWriteDeadline(Instant deadline) {
        this.writeDeadline = deadline;
    }

    @Override
    public SocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** Shuts both halves down from any thread: a blocked read sees the end, the peer sees FIN. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        SocketLevers.shutdown(channel, true, LOG);
        SocketLevers.shutdown(channel, false, LOG);
    }

    private void ensureOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket closed");
        }
    }

    /**
     * @return the milliseconds left before the deadline (at least 1), or 0 for none, as
     *         {@code SO_TIMEOUT} and the watchdog take them
     */
    private static int timeoutMillis(Instant deadline, String what) throws SocketTimeoutException {
        long millis = ServletNetConn.millisLeft(deadline, what);
        return millis < 0 ? 0 : (int) Math.min(millis, Integer.MAX_VALUE);
    }
}
