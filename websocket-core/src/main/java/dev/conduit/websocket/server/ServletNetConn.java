package dev.conduit.websocket.server;

import dev.conduit.websocket.NetConn;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.WebConnection;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A {@link NetConn} over a Servlet container's upgraded connection, used in blocking mode: reads
 * happen on the thread running {@code HttpUpgradeHandler.init} (the only safe reader), writes on
 * any thread, serialised by the {@code Conn}'s write lock.
 * <p>
 * Deadlines and waking a blocked reader need container internals ({@link SocketLevers}); on
 * Tomcat they work fully. On other containers (Undertow) a deadline is checked when a read or
 * write starts but cannot end a call already blocked, and {@link #close()} closes the
 * {@code WebConnection}.
 * <p>
 * Container quirks handled here: Tomcat reports the peer's FIN as an {@link EOFException} (mapped
 * to -1, so the Conn reports close 1006); after a failed read Tomcat throws
 * {@link IllegalStateException} (mapped to an {@link IOException}); writes go out in chunks of
 * at most {@value #WRITE_CHUNK} bytes because a container may copy a whole large write onto the
 * heap.
 */
final class ServletNetConn implements NetConn {
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

    private ServletNetConn(WebConnection connection, ServletInputStream in, ServletOutputStream out,
                           SocketLevers levers, SocketAddress localAddress, SocketAddress remoteAddress) {
        this.connection = connection;
        this.in = in;
        this.out = out;
        this.levers = levers;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
    }

    static ServletNetConn open(WebConnection connection, SocketAddress local, SocketAddress remote) {
        ServletInputStream in;
        ServletOutputStream out;
        try {
            in = connection.getInputStream();
            out = connection.getOutputStream();
        } catch (IOException e) {
            throw new IllegalStateException("the upgraded connection has no streams", e);
        }
        SocketLevers levers = TomcatSocketLevers.of(in);
        if (levers == null) {
            levers = SocketLevers.none(connection);
        }
        return new ServletNetConn(connection, in, out, levers, local, remote);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        if (levers.supportsTimeouts()) {
            levers.setReadTimeout(millisLeft(readDeadline, "read"));
        } else {
            checkNotPassed(readDeadline, "read");
        }
        try {
            int n = in.read(b, off, len);
            if (closed) {
                throw new SocketException("Socket closed");
            }
            return n;
        } catch (EOFException e) {
            if (closed) {
                throw new SocketException("Socket closed");
            }
            return -1; // Tomcat: the peer's FIN
        } catch (IllegalStateException e) {
            throw new IOException(closed ? "Socket closed" : "the upgraded input stream failed earlier", e);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            ensureOpen();
            int n = Math.min(len, WRITE_CHUNK);
            beforeWrite();
            try {
                out.write(b, off, n);
            } catch (IllegalStateException e) {
                throw new IOException("the upgraded output stream failed earlier", e);
            }
            off += n;
            len -= n;
        }
    }

    @Override
    public void flush() throws IOException {
        ensureOpen();
        beforeWrite();
        try {
            out.flush();
        } catch (IllegalStateException e) {
            throw new IOException("the upgraded output stream failed earlier", e);
        }
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
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        levers.shutdown();
    }

    /** Called on the container thread when the handler has finished: hands the socket back to be closed. */
    void endOfHandler() {
        closed = true;
        try {
            connection.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.TRACE, "websocket: closing the upgraded connection failed", e);
        }
    }

    private void beforeWrite() throws SocketTimeoutException {
        if (levers.supportsTimeouts()) {
            levers.setWriteTimeout(millisLeft(writeDeadline, "write"));
        } else {
            checkNotPassed(writeDeadline, "write");
        }
    }

    private void ensureOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket closed");
        }
    }

    private static long millisLeft(Instant deadline, String what) throws SocketTimeoutException {
        if (deadline == null) {
            return -1;
        }
        long nanos = java.time.Duration.between(Instant.now(), deadline).toNanos();
        if (nanos <= 0) {
            throw new SocketTimeoutException(what + " deadline passed");
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }

    private static void checkNotPassed(Instant deadline, String what) throws SocketTimeoutException {
        if (deadline != null && !Instant.now().isBefore(deadline)) {
            throw new SocketTimeoutException(what + " deadline passed");
        }
    }

    private void noteDeadlinesUnsupported(Instant deadline) {
        if (deadline != null && !levers.supportsTimeouts() && !loggedNoDeadlines) {
            loggedNoDeadlines = true;
            LOG.log(System.Logger.Level.DEBUG, "websocket: this Servlet container offers no socket timeouts; deadlines"
                    + " are checked when a read or write starts but cannot end one already blocked");
        }
    }
}
