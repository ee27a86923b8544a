package dev.conduit.websocket.server.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A platform thread with a {@link Selector} that reads for many taken channels
 * ({@link ReadLoopNetConn}): when a connection's socket has data, the loop reads it straight into
 * the array of the handler thread waiting in {@code Conn.readMessage} (or into the connection's
 * staging buffer when nobody waits) and wakes that thread.
 * <p>
 * Why a loop of our own instead of a blocking read: a blocking read on a virtual thread first
 * tries the socket (which, in a request-and-response exchange, is empty), then arms the JDK's
 * poller for that socket alone ({@code epoll_ctl}), parks, and reads again once woken; three
 * system calls where the data needs one. The loop keeps every socket armed for reading (the
 * selector's interest set is left as it is), so a message costs one read on the loop and the
 * hand-off to the handler thread; the loop's {@code epoll_wait} serves all sockets that became
 * ready together (measured on 64 B echo: about half the server CPU per message of Tomcat's poller;
 * at 100 connections and 2,000 messages a second, 5.5 system calls per message where the same
 * connection with the JDK's blocking I/O on the taken channel made 12.3).
 * <p>
 * Once a second the loop also ends the connections whose key someone else cancelled (by closing
 * the channel), since their waiting threads would never hear of it otherwise.
 * <p>
 * Loops belong to a {@link TransportRuntime}, which starts them when its first connection is taken
 * over and stops them on {@link TransportRuntime#close()}; their number is its {@code readLoops}
 * (default: one per four processors, at least one).
 */
final class ReadLoop implements Runnable {
    private static final System.Logger LOG = System.getLogger(ReadLoop.class.getName());

    /** How often the loop looks for connections whose key someone else cancelled. */
    private static final long SWEEP_MILLIS = 1000;

    private final Selector selector;
    /** The connections on this loop, for the sweep. */
    private final Set<ReadLoopNetConn> conns = ConcurrentHashMap.newKeySet();
    private long lastSweep = System.nanoTime();
    private volatile boolean stopped;
    private Thread thread;

    private ReadLoop(Selector selector) {
        this.selector = selector;
    }

    /**
     * Starts {@code count} loops, each on a daemon thread of its own.
     *
     * @throws UncheckedIOException if a selector cannot be opened (the loops started are stopped)
     */
    static ReadLoop[] start(int count) {
        ReadLoop[] loops = new ReadLoop[Math.max(1, count)];
        for (int i = 0; i < loops.length; i++) {
            try {
                loops[i] = new ReadLoop(Selector.open());
            } catch (IOException e) {
                for (int j = 0; j < i; j++) {
                    loops[j].close();
                }
                throw new UncheckedIOException("websocket: cannot open a selector for the read loop", e);
            }
            Thread thread = new Thread(loops[i], "conduit-websocket-read-loop-" + i);
            thread.setDaemon(true);
            loops[i].thread = thread;
            thread.start();
        }
        return loops;
    }

    /**
     * Stops the loop: its thread ends (waited for up to a second), the connections still on it are
     * closed and its selector with them.
     */
    void close() {
        stopped = true;
        selector.wakeup();
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Registers a non-blocking channel for reading; the loop calls {@link ReadLoopNetConn#onReady}
     * when it is ready.
     */
    SelectionKey register(SocketChannel channel, ReadLoopNetConn conn) throws ClosedChannelException {
        SelectionKey key = channel.register(selector, SelectionKey.OP_READ, conn);
        conns.add(conn);
        selector.wakeup(); // a select under way does not see a new key until it returns
        return key;
    }

    /** Takes a connection off the loop: its key goes at the next select, which this wakes. */
    void deregister(SelectionKey key, ReadLoopNetConn conn) {
        conns.remove(conn);
        key.cancel();
        selector.wakeup();
    }

    /** Makes a change to a key's interest set take effect in a select that is under way. */
    void wakeup() {
        selector.wakeup();
    }

    @Override
    public void run() {
        try {
            while (!stopped) {
                try {
                    selector.select(this::ready, SWEEP_MILLIS);
                    if (System.nanoTime() - lastSweep >= TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS)) {
                        lastSweep = System.nanoTime();
                        sweep();
                    }
                } catch (IOException | RuntimeException e) {
                    if (stopped) {
                        break;
                    }
                    // Nothing a single connection does should stop the loop; a broken selector would
                    // spin here, so slow down rather than burn a core.
                    LOG.log(System.Logger.Level.WARNING, "websocket: read loop select failed", e);
                    sleepAfterFailure();
                }
            }
        } finally {
            for (ReadLoopNetConn conn : conns) {
                conns.remove(conn);
                conn.keyLost();
            }
            try {
                selector.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.TRACE, "websocket: closing the read loop's selector failed", e);
            }
        }
    }

    /**
     * Ends the connections whose key was cancelled by someone else: closing a channel cancels its
     * keys, and the container may close the socket under a running WebSocket (Tomcat's poller did
     * in a race that the takeover holds off, {@link TomcatSocketLevers#takeChannel}). No readiness is reported for a
     * cancelled key, so without this a reader waiting on such a connection would wait forever.
     */
    private void sweep() {
        for (ReadLoopNetConn conn : conns) {
            if (!conn.keyValid()) {
                conns.remove(conn);
                conn.keyLost();
            }
        }
    }

    private void ready(SelectionKey key) {
        Object attachment = key.attachment();
        if (attachment instanceof ReadLoopNetConn conn) {
            try {
                conn.onReady(key);
            } catch (CancelledKeyException e) {
                // Released by the handler's end (or closed) while this round was under way.
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "websocket: read loop callback failed; the connection is closed", e); // a bug, not a normal path
                key.cancel();
            }
        }
    }

    private static void sleepAfterFailure() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
