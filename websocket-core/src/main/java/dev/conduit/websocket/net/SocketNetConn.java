package dev.conduit.websocket.net;

import dev.conduit.websocket.NetConn;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLSocket;

/**
 * A {@link NetConn} over a connected {@link Socket}, plain or {@link javax.net.ssl.SSLSocket}.
 * <p>
 * Reads go straight to the socket's input stream (the {@code Conn} does its own buffering) and
 * writes straight to its output stream.
 * <h2>Deadlines</h2>
 * <ul>
 * <li>The read deadline is applied with {@link Socket#setSoTimeout(int)} set to the time remaining
 * before each read. A read after the deadline has passed throws {@link SocketTimeoutException}
 * without touching the socket.</li>
 * <li>Sockets have no write timeout, so a write deadline is enforced by a watchdog: a shared daemon
 * timer closes the socket if a write (or flush) is still blocked when the deadline passes, and the
 * write then throws {@link SocketTimeoutException} with the socket's own exception as its cause.
 * <strong>A timed-out write therefore breaks the transport</strong>: how much of the data reached
 * the peer is unknown, so the stream is corrupt anyway (gorilla's contract for write timeouts),
 * and later reads and writes fail. A write started after the deadline has passed throws
 * {@link SocketTimeoutException} without writing anything, and the transport stays usable.</li>
 * </ul>
 * <h2>Closing</h2>
 * {@link #close()} closes the socket at once. For a TLS socket built over a plain one (see
 * {@link #SocketNetConn(Socket, Socket)}) the TLS layer first tries to send its close_notify alert,
 * which waits for a writer stuck on a peer that does not read; after one second the plain socket is
 * closed under it, so {@code close()} never hangs.
 * <p>
 * One thread may read while another writes. No monitor is held around blocking calls, so the class
 * is friendly to virtual threads.
 */
public final class SocketNetConn implements NetConn {
    /**
     * One timer for every connection: it only ever closes sockets, which does not block. Its thread
     * runs only while a write with a deadline or a close is under way, and ends a second after the
     * last, so no thread outlives the connections (or the class loader) that used it.
     */
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "conduit-websocket-write-deadline");
            t.setDaemon(true);
            t.setContextClassLoader(null); // holds no application's class loader while it lives
            return t;
        });
        timer.setRemoveOnCancelPolicy(true); // cancelled alarms leave the queue, so the thread can end
        timer.setKeepAliveTime(1, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        return timer;
    }

    /** The largest payload copied next to its header to leave in one write call. */
    private static final int JOIN_MAX = 8 * 1024;

    /** How long {@link #close()} lets a layered (TLS) socket try to say goodbye. */
    private static final long CLOSE_GRACE_MILLIS = 1000;

    private static final int WRITING = 0;
    private static final int FINISHED = 1;
    private static final int TIMED_OUT = 2;

    private final Socket socket;
    private final Socket abortTarget;
    private final InputStream in;
    private final OutputStream out;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Instant readDeadline;
    private volatile Instant writeDeadline;
    /** The last timeout given to the socket, to avoid a system call per read when it is unchanged. */
    private int appliedSoTimeout = -1;

    /**
     * Wraps a connected socket.
     *
     * @param socket the socket, plain or TLS; its handshake (if any) may still be pending
     * @throws IOException if the socket's streams cannot be obtained (for example it is closed)
     */
    public SocketNetConn(Socket socket) throws IOException {
        this(socket, socket);
    }

    /**
     * Wraps a connected socket that is layered over another one, such as an
     * {@link javax.net.ssl.SSLSocket} created over a plain socket. When a write deadline passes,
     * {@code transport} is closed: closing the bottom socket unblocks a stuck write at once, while
     * closing a TLS socket first tries to send a close_notify alert, which can block behind the
     * stuck write.
     *
     * @param socket the socket to read and write
     * @param transport the socket at the bottom of the stack (may be {@code socket} itself); closed
     *        too by {@link #close()}
     * @throws IOException if the socket's streams cannot be obtained
     */
    public SocketNetConn(Socket socket, Socket transport) throws IOException {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.abortTarget = Objects.requireNonNull(transport, "transport");
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** @return the wrapped socket, for socket options; reading or writing it directly corrupts the stream */
    public Socket socket() {
        return socket;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        Instant deadline = readDeadline;
        int timeout = 0;
        if (deadline != null) {
            timeout = remainingMillis(deadline);
            if (timeout <= 0) {
                throw new SocketTimeoutException("read deadline passed");
            }
        }
        if (timeout != appliedSoTimeout) {
            socket.setSoTimeout(timeout);
            appliedSoTimeout = timeout;
        }
        return in.read(b, off, len);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        withWriteDeadline(() -> out.write(b, off, len));
    }

    /**
     * One write call on the socket for the frame: as it is when header and payload lie side by
     * side (the Conn's client frames do), otherwise through one copy for a payload of up to
     * {@value #JOIN_MAX} bytes; a larger payload goes out after its header in a second call.
     */
    @Override
    public void write(byte[] header, int hoff, int hlen, byte[] payload, int poff, int plen) throws IOException {
        Objects.checkFromIndexSize(hoff, hlen, header.length);
        Objects.checkFromIndexSize(poff, plen, payload.length);
        if (header == payload && hoff + hlen == poff) {
            withWriteDeadline(() -> out.write(header, hoff, hlen + plen));
        } else if (plen <= JOIN_MAX) {
            byte[] frame = new byte[hlen + plen];
            System.arraycopy(header, hoff, frame, 0, hlen);
            System.arraycopy(payload, poff, frame, hlen, plen);
            withWriteDeadline(() -> out.write(frame, 0, frame.length));
        } else {
            withWriteDeadline(() -> {
                out.write(header, hoff, hlen);
                out.write(payload, poff, plen);
            });
        }
    }

    @Override
    public void flush() throws IOException {
        withWriteDeadline(out::flush);
    }

    private interface WriteAction {
        void run() throws IOException;
    }

    private void withWriteDeadline(WriteAction action) throws IOException {
        Instant deadline = writeDeadline;
        if (deadline == null) {
            action.run();
            return;
        }
        long remainingNanos = Duration.between(Instant.now(), deadline).toNanos();
        if (remainingNanos <= 0) {
            throw new SocketTimeoutException("write deadline passed");
        }
        AtomicInteger state = new AtomicInteger(WRITING);
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            if (state.compareAndSet(WRITING, TIMED_OUT)) {
                abort();
            }
        }, remainingNanos, TimeUnit.NANOSECONDS);
        try {
            action.run();
        } catch (IOException e) {
            if (state.get() == TIMED_OUT) {
                SocketTimeoutException timeout = new SocketTimeoutException("write deadline passed; the connection was closed");
                timeout.initCause(e);
                throw timeout;
            }
            throw e;
        } finally {
            watchdog.cancel(false);
        }
        if (!state.compareAndSet(WRITING, FINISHED)) {
            // The watchdog fired just as the write completed: the socket is being closed under us.
            throw new SocketTimeoutException("write deadline passed; the connection was closed");
        }
    }

    private void abort() {
        if (abortTarget instanceof SSLSocket) {
            // Closing a TLS socket may block behind the stuck write (it sends close_notify under the
            // record lock); never let that stall the shared timer.
            Thread closer = new Thread(this::closeTransportQuietly, "conduit-websocket-abort");
            closer.setDaemon(true);
            closer.start();
        } else {
            closeTransportQuietly();
        }
    }

    private void closeTransportQuietly() {
        try {
            abortTarget.close();
        } catch (IOException ignored) {
            // Closing is all we can do; the blocked write reports the failure.
        }
    }

    private static int remainingMillis(Instant deadline) {
        long nanos = Duration.between(Instant.now(), deadline).toNanos();
        if (nanos <= 0) {
            return 0;
        }
        // Round up: 0 would mean "no timeout" to the socket.
        long millis = (nanos + 999_999) / 1_000_000;
        return (int) Math.min(millis, Integer.MAX_VALUE);
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
        return socket.getLocalSocketAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return socket.getRemoteSocketAddress();
    }

    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (abortTarget == socket) {
            socket.close();
            return;
        }
        // A TLS socket sends close_notify on close, which waits for a writer stuck on a peer that
        // does not read; bound that wait by closing the bottom socket after a grace period.
        ScheduledFuture<?> guard = WATCHDOG.schedule(this::closeTransportQuietly, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        try {
            socket.close();
        } finally {
            guard.cancel(false);
            abortTarget.close();
        }
    }

    @Override
    public String toString() {
        return "SocketNetConn[" + socket + "]";
    }
}
