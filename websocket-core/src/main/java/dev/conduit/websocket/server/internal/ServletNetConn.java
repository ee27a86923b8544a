package dev.conduit.websocket.server.internal;

import dev.conduit.websocket.NetConn;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.WebConnection;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link NetConn} over a Servlet container's upgraded connection, used in blocking mode: reads
 * happen on the thread running {@code HttpUpgradeHandler.init} (the only safe reader), writes on
 * any thread, serialised by the {@code Conn}'s write lock.
 * <p>
 * Deadlines and waking a blocked reader need container internals ({@link SocketLevers}). On
 * Tomcat a deadline becomes the socket's read or write timeout for each call. On Undertow a
 * {@link DeadlineWatchdog} shuts down that half of the socket when a blocked call passes its
 * deadline, so the call fails with {@link SocketTimeoutException} and that direction is finished
 * (gorilla: a timed-out read leaves the connection's read side broken; writes still work after a
 * read timeout). On an unknown container a deadline is only checked when a call starts, and
 * {@link #close()} takes effect when the handler returns.
 * <p>
 * Container quirks handled here: Tomcat reports the peer's FIN as an {@link EOFException} (mapped
 * to -1, so the Conn reports close 1006); after a failed read Tomcat throws
 * {@link IllegalStateException} (mapped to an {@link IOException}); writes go out in chunks of
 * at most {@value #WRITE_CHUNK} bytes because a container may copy a whole large write onto the
 * heap.
 * <p>
 * Taken channel (the {@link TransportRuntime}'s takeover, on Tomcat's plaintext NIO connector): the
 * channel is taken from the container for the WebSocket's life ({@link SocketLevers#takeChannel})
 * and all I/O goes to a {@link ReadLoopNetConn}: a {@link ReadLoop} reads for the waiting handler
 * thread, writes go straight to the socket. Measured on the echo benchmarks: on Java 25 about
 * half the server CPU per 64 B round trip of the container's path,
 * and 16 KiB messages at Netty's rate. Tomcat no longer sees the connection, so stopping the
 * connector does not close it; the application closes its connections on shutdown (the Spring
 * Boot starter sends 1001 to each).
 * <p>
 * Direct I/O (when the channel is not taken): where the container offers its plaintext
 * non-blocking channel ({@link SocketLevers#directChannel()}, Tomcat's NIO connector), reads and
 * writes first go straight to it while the container's buffers hold nothing of this connection.
 * A read that finds no data, and the rest of a write the socket does not take at once, fall back
 * to the container's blocking streams (which wait through its poller, with its timeouts).
 * Measured on the 16 KiB echo benchmark: through Tomcat's 8 KiB socket buffers
 * every frame cost about three write and three read system calls; directly it costs one gathering
 * write and one or two reads. A frame's header and payload go out in one gathering write (the
 * write contract of {@link NetConn}), in pieces of at most {@value #WRITE_CHUNK} bytes. As with the JDK's channels, an interrupt that
 * lands during a direct call closes the connection; an already interrupted thread uses the
 * container's streams.
 */
final class ServletNetConn implements ServerNetConn {
    private static final System.Logger LOG = System.getLogger(ServletNetConn.class.getName());
    /** The most handed to the container per write call. */
    static final int WRITE_CHUNK = 64 * 1024;

    private final WebConnection connection;
    private final ServletInputStream in;
    private final ServletOutputStream out;
    private final SocketLevers levers;
    private final SocketAddress localAddress;
    private final SocketAddress remoteAddress;
    private volatile Instant readDeadline;
    private volatile Instant writeDeadline;
    private volatile boolean closed;
    private volatile boolean loggedNoDeadlines;
    private volatile boolean readTimedOut;
    private volatile boolean writeTimedOut;
    private volatile boolean handlerReturned;
    /** Threads inside a blocking write of the container's stream. */
    private final java.util.concurrent.atomic.AtomicInteger writersInContainer = new java.util.concurrent.atomic.AtomicInteger();
    /** The channel for direct I/O, or null. */
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

    /** The transport once the channel was taken from the container (then nothing else here does I/O), or null. */
    private final ReadLoopNetConn taken;

    private final TransportRuntime transport;

    private ServletNetConn(WebConnection connection, ServletInputStream in, ServletOutputStream out,
                           SocketLevers levers, SocketAddress localAddress, SocketAddress remoteAddress,
                           ReadLoopNetConn taken, TransportRuntime transport) {
        this.taken = taken;
        this.transport = transport;
        this.connection = connection;
        this.in = in;
        this.out = out;
        this.levers = levers;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
        this.direct = levers.directChannel();
    }

    /**
     * Opens the transport of an upgraded connection: takes the channel over where the
     * {@code transport} says so, otherwise uses the container's streams.
     *
     * @throws TakeoverException when the takeover failed past its point of no return: the
     *                           connection is lost (its channel is still open, for a close frame)
     * @throws IllegalStateException when the container gives the connection no streams
     */
    static ServletNetConn open(WebConnection connection, SocketAddress local, SocketAddress remote,
                               TransportRuntime transport) throws TakeoverException {
        ServletInputStream in;
        ServletOutputStream out;
        try {
            in = connection.getInputStream();
            out = connection.getOutputStream();
        } catch (IOException e) {
            throw new IllegalStateException("the upgraded connection has no streams", e);
        }
        SocketLevers levers = SocketLevers.of(connection, in);
        SocketLevers.TakenChannel channel = levers.takeChannel(transport);
        ReadLoopNetConn taken = null;
        if (channel != null) {
            try {
                TakeoverStep.REGISTER.enter();
                taken = new ReadLoopNetConn(channel.channel(), channel.early(), local, remote, transport.nextReadLoop());
            } catch (IOException | RuntimeException e) {
                TransportRuntime.takeoverFailed(TakeoverStep.REGISTER, channel.containerVersion(), e);
                throw new TakeoverException(TakeoverStep.REGISTER, channel.channel(), e);
            }
        }
        if (levers.directChannel() != null) {
            // They serve little with direct I/O and nothing with the taken channel, and an idle
            // connection keeps them. Shrunk only now that nothing can fail before the handler's
            // finally (endOfHandler) puts them back.
            levers.shrinkBuffers();
        }
        return new ServletNetConn(connection, in, out, levers, local, remote, taken, transport);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (taken != null) {
            return taken.read(b, off, len);
        }
        ensureOpen();
        if (readTimedOut) {
            throw new SocketTimeoutException("read deadline passed");
        }
        ScheduledFuture<?> alarm = null;
        long millis = millisLeft(readDeadline, "read");
        if (direct != null && !containerMayHoldInput && !Thread.currentThread().isInterrupted()) {
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
        if (levers.supportsTimeouts()) {
            levers.setReadTimeout(millis);
        } else if (millis > 0 && levers.canShutdown()) {
            alarm = scheduleAlarm(() -> {
                readTimedOut = true;
                levers.shutdownInput();
            }, millis);
        }
        int n;
        try {
            n = in.read(b, off, len);
        } catch (EOFException e) {
            n = -1; // Tomcat reports the peer's FIN this way
        } catch (IllegalStateException e) {
            ensureOpen();
            throw new IOException("the upgraded input stream failed earlier", e);
        } catch (IOException e) {
            ensureOpen();
            if (readTimedOut) {
                throw timeout("read", e);
            }
            throw e;
        } finally {
            if (alarm != null) {
                alarm.cancel(false);
            }
        }
        ensureOpen();
        if (n < 0 && readTimedOut) {
            throw new SocketTimeoutException("read deadline passed");
        }
        // The container hands out at most what was asked for: less means its buffer is empty now.
        containerMayHoldInput = n == len;
        // Tomcat reads at most its buffer's size (shrunk to SHRUNK_READ_BUFFER, or larger if that
        // failed): fewer bytes than that, and than asked for, means its read emptied the socket.
        socketRanDry = n >= 0 && n < Math.min(len, TomcatSocketLevers.SHRUNK_READ_BUFFER);
        return n;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (taken != null) {
            taken.write(b, off, len);
            return;
        }
        if (direct == null || containerHoldsOutput || !writeDirect(null, 0, 0, b, off, len)) {
            writeThroughContainer(b, off, len);
        }
    }

    @Override
    public void write(byte[] header, int hoff, int hlen, byte[] payload, int poff, int plen) throws IOException {
        if (taken != null) {
            taken.write(header, hoff, hlen, payload, poff, plen);
            return;
        }
        boolean sideBySide = header == payload && hoff + hlen == poff; // then one array, no gathering
        if (direct == null || containerHoldsOutput || !(sideBySide ? writeDirect(null, 0, 0, header, hoff, hlen + plen)
                : writeDirect(header, hoff, hlen, payload, poff, plen))) {
            writeThroughContainer(header, hoff, hlen);
            writeThroughContainer(payload, poff, plen);
        }
    }

    private void writeThroughContainer(byte[] b, int off, int len) throws IOException {
        containerHoldsOutput = true;
        while (len > 0) {
            int n = Math.min(len, WRITE_CHUNK);
            int from = off;
            guardedWrite(() -> out.write(b, from, n));
            off += n;
            len -= n;
        }
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
        ensureOpen();
        if (writeTimedOut) {
            throw new SocketTimeoutException("write deadline passed");
        }
        long millis = millisLeft(writeDeadline, "write");
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
        if (taken != null) {
            taken.flush();
            return;
        }
        if (direct == null || containerHoldsOutput) {
            guardedWrite(out::flush);
            containerHoldsOutput = false;
        }
    }

    private void guardedWrite(IoAction action) throws IOException {
        ensureOpen();
        if (writeTimedOut) {
            throw new SocketTimeoutException("write deadline passed");
        }
        ScheduledFuture<?> alarm = null;
        long millis = millisLeft(writeDeadline, "write");
        if (levers.supportsTimeouts()) {
            levers.setWriteTimeout(millis);
        } else if (millis > 0 && levers.canShutdown()) {
            alarm = scheduleAlarm(() -> {
                writeTimedOut = true;
                levers.shutdownOutput();
            }, millis);
        }
        writersInContainer.incrementAndGet();
        try {
            action.run();
        } catch (IllegalStateException e) {
            ensureOpen();
            throw new IOException("the upgraded output stream failed earlier", e);
        } catch (IOException e) {
            ensureOpen();
            if (writeTimedOut) {
                throw timeout("write", e);
            }
            throw e;
        } finally {
            writersInContainer.decrementAndGet();
            if (alarm != null) {
                alarm.cancel(false);
            }
        }
    }

    /** @return the alarm, or null once the transport is closed (the deadline is then checked only when a call starts) */
    private ScheduledFuture<?> scheduleAlarm(Runnable alarm, long millis) {
        try {
            return transport.deadlines().schedule(alarm, millis);
        } catch (IllegalStateException | java.util.concurrent.RejectedExecutionException closed) {
            return null;
        }
    }

    private static SocketTimeoutException timeout(String what, IOException cause) {
        if (cause instanceof SocketTimeoutException ste) {
            return ste;
        }
        SocketTimeoutException e = new SocketTimeoutException(what + " deadline passed");
        e.initCause(cause);
        return e;
    }

    /** A blocking write step. */
    private interface IoAction {
        void run() throws IOException;
    }

    @Override
    public void setReadDeadline(Instant deadline) {
        this.readDeadline = deadline;
        if (taken != null) {
            taken.setReadDeadline(deadline);
            return;
        }
        noteDeadlinesUnsupported(deadline);
    }

    @Override
    public void setWriteDeadline(Instant deadline) {
        this.writeDeadline = deadline;
        if (taken != null) {
            taken.setWriteDeadline(deadline);
            return;
        }
        noteDeadlinesUnsupported(deadline);
    }

    @Override
    public SocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    /**
     * Closes at once from any thread: a read blocked in the handler's thread fails, and the peer
     * sees the end of the stream. The container closes the socket when the handler's
     * {@code init()} returns.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (taken != null) {
            // Once the handler has returned the container closes the socket itself; shutting the
            // halves down first made JDK clients report 1006 after a complete closing handshake.
            if (!handlerReturned) {
                taken.close();
            }
        } else if (!handlerReturned) {
            // Another thread (or the handler itself) closes while the connection runs: wake a
            // blocked reader and tell the peer at once, below the container's buffers.
            levers.shutdownInput();
            levers.shutdownOutput();
        }
    }

    /** @return whether the read loop holds a staging buffer for this connection (for tests) */
    boolean holdsReadStaging() {
        return taken != null && taken.holdsStaging();
    }

    /** @return whether the channel was taken from the container (for tests) */
    boolean channelTaken() {
        return taken != null;
    }

    @Override
    public void handlerReturned() {
        handlerReturned = true;
    }

    @Override
    public void endOfHandler() {
        closed = true;
        if (taken != null) {
            taken.release(); // off the read loop, so that the container's close really closes the socket
        }
        levers.restoreBuffers(); // before Tomcat can reuse the channel for another connection
        if (writersInContainer.get() > 0) {
            // Another thread is blocked in the container's write (its peer stopped reading): the
            // container's close would wait for it for ever. Cutting the socket wakes it with an error.
            levers.shutdownOutput();
            levers.shutdownInput();
        }
        try {
            connection.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.TRACE, "websocket: closing the upgraded connection failed", e);
        }
    }

    private void ensureOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket closed");
        }
    }

    /**
     * @return the milliseconds left before the deadline (at least 1, rounded up), or -1 for none;
     *         also used by {@link ReadLoopNetConn}
     */
    static long millisLeft(Instant deadline, String what) throws SocketTimeoutException {
        if (deadline == null) {
            return -1;
        }
        java.time.Duration left = java.time.Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            throw new SocketTimeoutException(what + " deadline passed");
        }
        try {
            return Math.max(1, TimeUnit.NANOSECONDS.toMillis(left.toNanos() + 999_999)); // round up
        } catch (ArithmeticException farFuture) {
            return Long.MAX_VALUE / 2;
        }
    }

    private void noteDeadlinesUnsupported(Instant deadline) {
        if (deadline != null && !levers.supportsTimeouts() && !levers.canShutdown() && !loggedNoDeadlines) {
            loggedNoDeadlines = true;
            LOG.log(System.Logger.Level.DEBUG, "websocket: this Servlet container offers no socket timeouts; deadlines"
                    + " are checked when a read or write starts but cannot end one already blocked");
        }
    }
}
