package dev.conduit.websocket.conn;

import dev.conduit.websocket.BufferPool;
import dev.conduit.websocket.frame.FrameEncoder;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The message lock of a connection's writer and the write buffer it guards. A fair semaphore, not
 * a monitor: a streamed message may be finished by another thread than the one that began it, and
 * a virtual thread waiting here never pins its carrier. The buffer is allocated (or taken from the
 * pool) when a message first needs it; a pooled one goes back when the message ends.
 */
final class MessageLock {
    private final Semaphore lock = new Semaphore(1, true);
    private final int bufferSize;
    private final BufferPool pool;
    private volatile Thread owner;
    /** Guarded by the lock; allocated by {@link #buffer()}. */
    private byte[] buffer;

    /**
     * @param bufferSize the largest frame payload the buffer holds (a header's room is added)
     * @param pool the buffers shared between connections, or null for one of the connection's own
     */
    MessageLock(int bufferSize, BufferPool pool) {
        this.bufferSize = bufferSize;
        this.pool = pool;
    }

    /**
     * @param deadline the latest moment to get the lock, or null to wait as long as it takes
     * @throws SocketTimeoutException past the deadline
     * @throws InterruptedIOException when interrupted (the interrupt status is kept)
     */
    void acquire(Instant deadline) throws IOException {
        try {
            if (deadline == null) {
                lock.acquire();
            } else if (!lock.tryAcquire(FrameWriter.nanosUntil(deadline), TimeUnit.NANOSECONDS)) {
                throw new SocketTimeoutException("websocket: write timeout waiting for another message to finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("websocket: interrupted waiting to write");
        }
        owner = Thread.currentThread();
    }

    /** @return whether the calling thread holds the lock */
    boolean heldByCurrentThread() {
        return owner == Thread.currentThread();
    }

    /** The write buffer, allocated (or taken from the pool) on first use; the caller holds the lock. */
    byte[] buffer() {
        byte[] buf = buffer;
        if (buf == null) {
            byte[] b = pool != null ? pool.get(bufferSize + FrameEncoder.MAX_HEADER_SIZE) : null;
            buf = b != null ? b : new byte[bufferSize + FrameEncoder.MAX_HEADER_SIZE];
            buffer = buf;
        }
        return buf;
    }

    /** Gives a pooled buffer back and releases the lock. */
    void release() {
        owner = null;
        if (pool != null && buffer != null) {
            pool.put(buffer);
            buffer = null;
        }
        lock.release();
    }
}
