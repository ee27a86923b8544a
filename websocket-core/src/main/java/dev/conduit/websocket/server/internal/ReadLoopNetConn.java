package dev.conduit.websocket.server.internal;

import dev.conduit.websocket.NetConn;
import jakarta.servlet.http.WebConnection;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link NetConn} over a channel taken from the container ({@link SocketLevers#takeChannel}),
 * left in non-blocking mode and read by a {@link ReadLoop}: the handler thread that waits for data
 * parks, and the loop reads into its array and wakes it.
 * <ul>
 *   <li>Bytes the container had already read with the upgrade request are returned first.</li>
 *   <li>When the socket has data and nobody waits (the handler is busy), the loop reads it into a
 *       staging buffer ({@link ReadAhead}) that the next reads drain; when that is full the
 *       loop stops reading this socket until the handler has taken some (TCP's flow control then
 *       holds the peer back, as with any unread socket). An idle connection has no staging
 *       buffer.</li>
 *   <li>After a read that filled the caller's array the socket probably holds more: the next read
 *       tries the socket itself before it waits (a long message is read without a hand-off per
 *       piece).</li>
 *   <li>Writes go straight to the socket from the writing thread; when the socket takes only part,
 *       the writer waits for the loop to see the socket writable.</li>
 *   <li>Deadlines are the waiting thread's park time. A write that is still blocked at its deadline
 *       shuts the output down and fails with {@link SocketTimeoutException}, as do later writes
 *       (as in gorilla: after a write timeout the connection's state is corrupt).</li>
 *   <li>A frame's header and payload go out in one gathering write (the write contract of
 *       {@link NetConn}), a long payload in pieces of at most {@value #WRITE_CHUNK} bytes; frames
 *       handed over together ({@link #writeFrames}) share gathering writes of up to that size;
 *       nothing is held back, so {@link #flush()} has nothing to do.</li>
 *   <li>{@link #close()} shuts both halves down and wakes a waiting reader and writer; the
 *       container closes the channel once the handler has returned, after {@link #endOfHandler()}
 *       has taken it off the loop.</li>
 *   <li>As with the JDK's channels, interrupting a thread that waits to read or write closes the
 *       connection ({@link ClosedByInterruptException}).</li>
 * </ul>
 */
final class ReadLoopNetConn implements ServerNetConn {
    private static final System.Logger LOG = System.getLogger(ReadLoopNetConn.class.getName());
    /** The most of a payload handed to one (gathering) write: the JDK copies it into a direct buffer of that size. */
    static final int WRITE_CHUNK = 64 * 1024;
    /** {@link #result} while no read has been done for the waiting reader. */
    private static final int PENDING = Integer.MIN_VALUE;

    private final SocketChannel channel;
    private final WebConnection connection;
    private final SocketLevers levers;
    private final ReadLoop loop;
    private final SelectionKey key;
    private final SocketAddress localAddress;
    private final SocketAddress remoteAddress;

    // Guarded by "this": shared by the reader, the writer and the loop; never held while blocked.
    /** The waiting reader's target, or null when nobody waits. */
    private ByteBuffer wanted;
    private Thread reader;
    private Thread writer;
    /** The early bytes (the reader's alone) and the staging buffer (under the lock). */
    private final ReadAhead readAhead;
    /** The key's interest set as last given to it. */
    private int interest = SelectionKey.OP_READ;
    /** The socket reached its end (or failed, then {@link #failure} says how). */
    private boolean ended;
    private IOException failure;
    /** Whether the last read filled its target (then the socket probably holds more). */
    private boolean lastReadFilled;

    /** Bytes read for the waiting reader, -1 at the end, {@link #PENDING} while none. */
    private volatile int result = PENDING;
    private volatile boolean writable;

    private volatile Instant readDeadline;
    private volatile Instant writeDeadline;
    private volatile boolean closed;
    private volatile boolean writeTimedOut;
    private volatile boolean handlerReturned;

    /** Registers the taken channel (non-blocking, off the container's poller) with {@code loop}. */
    ReadLoopNetConn(SocketLevers.TakenChannel taken, WebConnection connection, SocketLevers levers,
                    SocketAddress localAddress, SocketAddress remoteAddress, ReadLoop loop) throws IOException {
        this.channel = taken.channel();
        this.connection = connection;
        this.levers = levers;
        this.readAhead = new ReadAhead(taken.early());
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
        this.loop = loop;
        this.key = loop.register(channel, this);
    }

    // ---- the loop's side

    /** Called on the loop thread when the socket is ready for what {@link #interest} asks. */
    void onReady(SelectionKey readyKey) {
        Thread wakeReader = null;
        Thread wakeWriter = null;
        synchronized (this) {
            if (readyKey.isWritable() && writer != null) {
                wakeWriter = writer;
                writer = null;
                writable = true;
                setInterest(readyKey, interest & ~SelectionKey.OP_WRITE);
            }
            if (readyKey.isReadable() && (interest & SelectionKey.OP_READ) != 0) {
                wakeReader = readOnLoop(readyKey);
            }
        }
        if (wakeReader != null) {
            LockSupport.unpark(wakeReader);
        }
        if (wakeWriter != null) {
            LockSupport.unpark(wakeWriter);
        }
    }

    /** @return the reader to wake, or null */
    private Thread readOnLoop(SelectionKey readyKey) {
        ByteBuffer target = wanted;
        if (target == null) {
            target = readAhead.stagingRoom();
        }
        int asked = target.remaining();
        int n;
        try {
            n = channel.read(target);
        } catch (IOException e) {
            failure = e;
            n = -1;
        }
        if (n == 0) {
            return null; // someone else read it first
        }
        if (n < 0) {
            ended = true;
            setInterest(readyKey, interest & ~SelectionKey.OP_READ); // a socket at its end stays readable
        }
        lastReadFilled = n == asked;
        if (wanted != null) {
            wanted = null;
            Thread waiting = reader;
            reader = null;
            result = n;
            return waiting;
        }
        if (n > 0 && readAhead.staged(n)) {
            setInterest(readyKey, interest & ~SelectionKey.OP_READ); // the handler is behind: let TCP hold the peer
        }
        return null;
    }

    /** Changes the key's interest set; under the lock. @return whether it changed */
    private boolean setInterest(int ops) {
        return setInterest(key, ops);
    }

    /** As {@link #setInterest(int)}; the loop passes its key, which may come before the constructor stored it. */
    private boolean setInterest(SelectionKey selectionKey, int ops) {
        if (ops == interest) {
            return false;
        }
        try {
            selectionKey.interestOps(ops);
        } catch (CancelledKeyException e) {
            return false; // released, or the channel was closed: nothing to wait for any more
        }
        interest = ops;
        return true;
    }

    // ---- reading

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        if (len == 0) {
            return 0;
        }
        int early = readAhead.takeEarly(b, off, len);
        if (early > 0) {
            return early;
        }
        Instant deadline = readDeadline;
        long waitUntil = deadline == null ? 0 : System.nanoTime() + Deadlines.nanosLeft(deadline, "read");
        boolean wakeLoop = false;
        int n;
        synchronized (this) {
            if (readAhead.hasStaged()) {
                n = readAhead.takeStaged(b, off, len);
                if (!readAhead.hasStaged()) {
                    // The loop may have paused reading when the buffer was full: resume.
                    wakeLoop = !ended && setInterest(interest | SelectionKey.OP_READ);
                }
            } else if (ended) {
                return endOfInput();
            } else {
                n = lastReadFilled ? readDirect(b, off, len) : 0;
                if (n == 0) {
                    readAhead.idle(); // idle from here on: hold nothing
                    wanted = ByteBuffer.wrap(b, off, len);
                    reader = Thread.currentThread();
                    result = PENDING;
                }
            }
        }
        if (wakeLoop) {
            loop.wakeup(); // a select under way does not see the changed interest set
        }
        if (n != 0) {
            return n;
        }
        return awaitRead(waitUntil, deadline != null);
    }

    /** A read on the reader's thread; under the lock. @return bytes read, 0 if none, -1 at the end */
    private int readDirect(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = channel.read(ByteBuffer.wrap(b, off, len));
        } catch (IOException e) {
            ensureOpen();
            throw e;
        }
        if (n < 0) {
            ended = true;
            setInterest(interest & ~SelectionKey.OP_READ);
            return endOfInput();
        }
        lastReadFilled = n == len;
        return n;
    }

    /** Under the lock, once the socket has ended: -1, or the failure, or "closed" when we closed it. */
    private int endOfInput() throws IOException {
        ensureOpen(); // the end we caused by shutting the input down, not the peer's
        if (failure != null) {
            throw new IOException(failure.getMessage(), failure);
        }
        return -1;
    }

    private int awaitRead(long waitUntil, boolean timed) throws IOException {
        while (true) {
            int n = result;
            if (n != PENDING) {
                result = PENDING;
                if (n < 0) {
                    synchronized (this) {
                        return endOfInput();
                    }
                }
                return n;
            }
            if (closed) {
                withdrawRead();
                ensureOpen();
            }
            if (Thread.currentThread().isInterrupted()) {
                withdrawRead();
                throw interrupted();
            }
            if (timed) {
                long left = waitUntil - System.nanoTime();
                if (left <= 0) {
                    if (withdrawRead()) {
                        throw new SocketTimeoutException("read deadline passed");
                    }
                    continue; // the loop delivered just in time
                }
                LockSupport.parkNanos(this, left);
            } else {
                LockSupport.park(this);
            }
        }
    }

    /** Takes the waiting reader's array back from the loop. @return false if the loop has read into it already */
    private synchronized boolean withdrawRead() {
        if (result != PENDING) {
            return false;
        }
        wanted = null;
        reader = null;
        return true;
    }

    // ---- writing

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        write(null, 0, 0, b, off, len);
    }

    @Override
    public void write(byte[] header, int hoff, int hlen, byte[] payload, int poff, int plen) throws IOException {
        ensureOpen();
        ByteBuffer head = null;
        if (header == payload && hoff + hlen == poff) {
            poff = hoff; // side by side: one array, no gathering
            plen += hlen;
        } else if (hlen > 0) {
            head = ByteBuffer.wrap(header, hoff, hlen);
        }
        int done = 0;
        do {
            int n = Math.min(plen - done, WRITE_CHUNK);
            ByteBuffer piece = ByteBuffer.wrap(payload, poff + done, n);
            writeFully(head == null ? new ByteBuffer[] {piece} : new ByteBuffer[] {head, piece});
            head = null;
            done += n;
        } while (done < plen);
    }

    /**
     * Frames go out in gathering writes of at most {@value #WRITE_CHUNK} bytes together (as many
     * frames as fit, so many small frames cost one system call); a larger frame goes alone, in pieces.
     */
    @Override
    public void writeFrames(byte[][] frames, int count) throws IOException {
        ensureOpen();
        int i = 0;
        while (i < count) {
            int bytes = frames[i].length;
            if (bytes > WRITE_CHUNK) {
                write(frames[i], 0, bytes);
                i++;
                continue;
            }
            int end = FrameBatches.end(frames, i, count, WRITE_CHUNK);
            writeFully(FrameBatches.wrap(frames, i, end));
            i = end;
        }
    }

    @Override
    public void flush() {
        // Every write is on its way when it returns.
    }

    private void writeFully(ByteBuffer[] buffers) throws IOException {
        if (writeTimedOut) {
            throw new SocketTimeoutException("write deadline passed");
        }
        Instant deadline = writeDeadline;
        long waitUntil = deadline == null ? 0 : System.nanoTime() + Deadlines.nanosLeft(deadline, "write");
        ByteBuffer last = buffers[buffers.length - 1];
        try {
            while (true) {
                channel.write(buffers);
                if (!last.hasRemaining()) {
                    return;
                }
                awaitWritable(waitUntil, deadline != null);
            }
        } catch (IOException e) {
            if (e instanceof SocketTimeoutException) {
                throw e;
            }
            ensureOpen();
            throw e;
        }
    }

    private void awaitWritable(long waitUntil, boolean timed) throws IOException {
        synchronized (this) {
            writable = false;
            writer = Thread.currentThread();
            if (!setInterest(interest | SelectionKey.OP_WRITE)) {
                writer = null;
                ensureOpen();
                throw new SocketException("Socket closed");
            }
        }
        loop.wakeup();
        while (!writable) {
            ensureOpen();
            if (Thread.currentThread().isInterrupted()) {
                synchronized (this) {
                    writer = null;
                }
                throw interrupted();
            }
            if (timed) {
                long left = waitUntil - System.nanoTime();
                if (left <= 0) {
                    synchronized (this) {
                        writer = null;
                        setInterest(interest & ~SelectionKey.OP_WRITE);
                    }
                    writeTimedOut = true;
                    SocketLevers.shutdown(channel, false, LOG);
                    throw new SocketTimeoutException("write deadline passed");
                }
                LockSupport.parkNanos(this, left);
            } else {
                LockSupport.park(this);
            }
        }
    }

    // ---- the rest

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

    /**
     * Shuts both halves down from any thread and wakes whoever waits; the peer sees FIN. Once the
     * handler has returned it does nothing: the container closes the socket itself after
     * {@link #endOfHandler()} (shutting the halves down first made JDK clients report 1006 after
     * a complete closing handshake).
     */
    @Override
    public void close() {
        if (!handlerReturned) {
            shutDown();
        }
    }

    private void shutDown() {
        if (closed) {
            return;
        }
        closed = true;
        SocketLevers.shutdown(channel, true, LOG);
        SocketLevers.shutdown(channel, false, LOG);
        wakeWaiters();
    }

    @Override
    public void handlerReturned() {
        handlerReturned = true;
    }

    /**
     * Takes the channel off the loop (the container's close really closes the socket only once the
     * loop's selector has let go of it), restores the container's buffers, hands the connection back.
     */
    @Override
    public void endOfHandler() {
        release();
        levers.restoreBuffers(); // before Tomcat can reuse the channel for another connection
        ContainerNetConn.closeConnection(connection);
    }

    private void release() {
        // Whoever still waits (a writer of another thread) fails now, as after close(), but without
        // shutting the socket down: the container's close follows and ends it with a plain FIN.
        closed = true;
        wakeWaiters();
        loop.deregister(key, this);
    }

    private void wakeWaiters() {
        Thread wakeReader;
        Thread wakeWriter;
        synchronized (this) {
            wakeReader = reader;
            wakeWriter = writer;
        }
        if (wakeReader != null) {
            LockSupport.unpark(wakeReader);
        }
        if (wakeWriter != null) {
            LockSupport.unpark(wakeWriter);
        }
    }

    /** @return whether the loop still watches the socket */
    boolean keyValid() {
        SelectionKey k = key;
        return k == null || k.isValid(); // null: still being constructed
    }

    /** Called by the loop when someone else closed the channel: whoever waits fails as after {@link #close()}. */
    void keyLost() {
        LOG.log(System.Logger.Level.DEBUG, "websocket: the container closed a taken connection under its handler");
        shutDown();
    }

    /**
     * An interrupt ends a wait as it ends a blocked JDK channel call: the connection is closed
     * (its stream position is unknown now) and the thread keeps its interrupt status.
     */
    private IOException interrupted() {
        shutDown();
        return new ClosedByInterruptException();
    }

    /** @return whether a staging buffer is held (for tests: an idle connection holds none) */
    synchronized boolean holdsStaging() {
        return readAhead.holdsStaging();
    }

    private void ensureOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket closed");
        }
    }
}
