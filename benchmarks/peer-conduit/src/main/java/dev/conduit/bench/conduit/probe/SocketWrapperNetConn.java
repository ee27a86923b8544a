package dev.conduit.bench.conduit.probe;

import dev.conduit.websocket.NetConn;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * A {@link NetConn} over Tomcat's public {@link SocketWrapperBase}: reads are non-blocking reads
 * of the wrapper by the handler's thread, which, finding nothing, registers read interest with
 * Tomcat's poller and parks until Tomcat dispatches the readiness ({@link #readable()}); writes
 * are the wrapper's blocking writes and flush.
 */
final class SocketWrapperNetConn implements NetConn {
    private final SocketWrapperBase<?> wrapper;
    private volatile Thread reader;
    private volatile boolean signalled;
    private volatile boolean failed;
    private volatile Instant readDeadline;

    SocketWrapperNetConn(SocketWrapperBase<?> wrapper) {
        this.wrapper = wrapper;
    }

    /** Tomcat dispatched read readiness. */
    void readable() {
        signalled = true;
        Thread t = reader;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Tomcat ends the connection (error, disconnect, stop). */
    void failed() {
        failed = true;
        readable();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (true) {
            if (failed) {
                throw new IOException("Tomcat ended the connection");
            }
            int n = wrapper.read(false, b, off, len);
            if (n != 0) {
                return n;
            }
            signalled = false;
            wrapper.registerReadInterest();
            reader = Thread.currentThread();
            try {
                while (!signalled) {
                    Instant deadline = readDeadline;
                    if (deadline == null) {
                        LockSupport.park(this);
                    } else {
                        long nanos = java.time.Duration.between(Instant.now(), deadline).toNanos();
                        if (nanos <= 0) {
                            throw new SocketTimeoutException("read deadline passed");
                        }
                        LockSupport.parkNanos(this, nanos);
                    }
                }
            } finally {
                reader = null;
            }
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        wrapper.write(true, b, off, len);
    }

    @Override
    public void flush() throws IOException {
        wrapper.flush(true);
    }

    @Override
    public void setReadDeadline(Instant deadline) {
        readDeadline = deadline;
        Thread t = reader;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void setWriteDeadline(Instant deadline) {
        // Tomcat's blocking write has its own timeout (infinite for an upgraded connection)
    }

    @Override
    public SocketAddress localAddress() {
        return new InetSocketAddress(wrapper.getLocalAddr(), wrapper.getLocalPort());
    }

    @Override
    public SocketAddress remoteAddress() {
        return new InetSocketAddress(wrapper.getRemoteAddr(), wrapper.getRemotePort());
    }

    @Override
    public void close() {
        closeQuietly();
    }

    void closeQuietly() {
        failed = true;
        wrapper.close();
    }
}
