package dev.conduit.websocket.server.internal;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.WebConnection;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The transport over a Servlet container's upgraded streams, used in blocking mode: reads happen
 * on the thread running {@code HttpUpgradeHandler.init} (the only safe reader), writes on any
 * thread, serialised by the {@code Conn}'s frame lock. Used where the container offers no
 * plaintext channel (TLS, NIO2, Undertow, unknown containers); {@link DirectIoNetConn} adds direct
 * channel I/O to it on Tomcat's NIO connector.
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
 * heap. A frame's header and payload are written to the container's stream one after the other
 * and leave with the flush that follows (the write contract of {@link dev.conduit.websocket.NetConn}).
 */
class ContainerNetConn implements ServerNetConn {
    private static final System.Logger LOG = System.getLogger(ContainerNetConn.class.getName());
    /** The most handed to the container, or to a channel, per write call. */
    static final int WRITE_CHUNK = 64 * 1024;

    private final WebConnection connection;
    private final ServletInputStream in;
    private final ServletOutputStream out;
    final SocketLevers levers;
    private final SocketAddress localAddress;
    private final SocketAddress remoteAddress;
    private final TransportRuntime runtime;
    volatile Instant readDeadline;
    volatile Instant writeDeadline;
    private volatile boolean closed;
    private volatile boolean loggedNoDeadlines;
    private volatile boolean readTimedOut;
    volatile boolean writeTimedOut;
    private volatile boolean handlerReturned;
    /** Threads inside a blocking write of the container's stream. */
    private final AtomicInteger writersInContainer = new AtomicInteger();

    ContainerNetConn(WebConnection connection, ServletInputStream in, ServletOutputStream out, SocketLevers levers,
                     SocketAddress localAddress, SocketAddress remoteAddress, TransportRuntime runtime) {
        this.connection = connection;
        this.in = in;
        this.out = out;
        this.levers = levers;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
        this.runtime = runtime;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return readThroughContainer(b, off, len, startRead());
    }

    /** Checks that a read may start. @return the milliseconds left before the read deadline, or -1 */
    final long startRead() throws IOException {
        ensureOpen();
        if (readTimedOut) {
            throw new SocketTimeoutException("read deadline passed");
        }
        return Deadlines.millisLeft(readDeadline, "read");
    }

    /** A blocking read of the container's stream, bounded by {@code millis} (-1: no deadline). */
    final int readThroughContainer(byte[] b, int off, int len, long millis) throws IOException {
        ScheduledFuture<?> alarm = null;
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
        return n;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        writeThroughContainer(b, off, len);
    }

    @Override
    public void write(byte[] header, int hoff, int hlen, byte[] payload, int poff, int plen) throws IOException {
        writeThroughContainer(header, hoff, hlen);
        writeThroughContainer(payload, poff, plen);
    }

    /** Hands bytes to the container's stream, in chunks of at most {@value #WRITE_CHUNK} bytes. */
    void writeThroughContainer(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, WRITE_CHUNK);
            int from = off;
            guardedWrite(() -> out.write(b, from, n));
            off += n;
            len -= n;
        }
    }

    @Override
    public void flush() throws IOException {
        guardedWrite(out::flush);
    }

    private void guardedWrite(IoAction action) throws IOException {
        ensureOpen();
        if (writeTimedOut) {
            throw new SocketTimeoutException("write deadline passed");
        }
        ScheduledFuture<?> alarm = null;
        long millis = Deadlines.millisLeft(writeDeadline, "write");
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
            return runtime.deadlines().schedule(alarm, millis);
        } catch (IllegalStateException | RejectedExecutionException closed) {
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
        noteDeadlinesUnsupported(deadline);
    }

    @Override
    public void setWriteDeadline(Instant deadline) {
        this.writeDeadline = deadline;
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
        if (!handlerReturned) {
            // Another thread (or the handler itself) closes while the connection runs: wake a
            // blocked reader and tell the peer at once, below the container's buffers.
            levers.shutdownInput();
            levers.shutdownOutput();
        }
    }

    @Override
    public void handlerReturned() {
        handlerReturned = true;
    }

    @Override
    public void endOfHandler() {
        closed = true;
        levers.restoreBuffers(); // before Tomcat can reuse the channel for another connection
        if (writersInContainer.get() > 0) {
            // Another thread is blocked in the container's write (its peer stopped reading): the
            // container's close would wait for it for ever. Cutting the socket wakes it with an error.
            levers.shutdownOutput();
            levers.shutdownInput();
        }
        closeConnection(connection);
    }

    /** Hands the socket back to the container, which closes it. */
    static void closeConnection(WebConnection connection) {
        try {
            connection.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.TRACE, "websocket: closing the upgraded connection failed", e);
        }
    }

    final void ensureOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket closed");
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
