package dev.conduit.websocket.spring.connections;

import dev.conduit.websocket.CloseSentException;
import dev.conduit.websocket.PreparedMessage;
import dev.conduit.websocket.spring.endpoint.OpenConnection;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The messages {@link WebSocketConnections} sends to one connection: a queue bounded by count and
 * bytes and one sender task at a time, so they go out in order and a connection that does not take
 * them holds up nobody else. Each write uses the connection's own write deadline (the handler's
 * setting, which this never changes); a write still under way after the send timeout closes the
 * connection, which ends the write and the handler's read.
 */
final class ConnectionOutbox implements Runnable {
    // A sender on a shared pool yields after this many messages so that busy connections take turns.
    private static final int BATCH = 64;

    final OpenConnection target;
    private final WebSocketConnections owner;
    private final ArrayBlockingQueue<PreparedMessage> queue;
    private final long maxBytes;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean closed;

    ConnectionOutbox(WebSocketConnections owner, OpenConnection target, int capacity, long maxBytes) {
        this.owner = owner;
        this.target = target;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxBytes = maxBytes;
    }

    /** @return false when the queue is full (by count or by bytes) or the outbox is closed */
    boolean offer(PreparedMessage message) {
        if (closed) {
            return false;
        }
        int size = message.length();
        long after = queuedBytes.addAndGet(size);
        if (after > maxBytes && after != size || !queue.offer(message)) {
            queuedBytes.addAndGet(-size);
            return false;
        }
        schedule();
        return true;
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                owner.senders().execute(this);
            } catch (RejectedExecutionException e) {
                scheduled.set(false); // the application is stopping: nothing more is sent
            }
        }
    }

    void close() {
        closed = true;
        queue.clear();
        queuedBytes.set(0);
    }

    @Override
    public void run() {
        int sent = 0;
        while (true) {
            PreparedMessage message;
            while (!closed && (message = queue.poll()) != null) {
                queuedBytes.addAndGet(-message.length());
                ScheduledFuture<?> watchdog = owner.watch(this);
                try {
                    target.conn().writePreparedMessage(message);
                } catch (CloseSentException e) {
                    owner.ended(this, null); // the connection is closing on its own: leave it to its handler
                    return;
                } catch (IOException | RuntimeException e) {
                    owner.ended(this, "a write failed (" + e + ")");
                    return;
                } finally {
                    if (watchdog != null) {
                        watchdog.cancel(false);
                    }
                }
                if (++sent == BATCH) {
                    scheduled.set(false);
                    schedule();
                    return;
                }
            }
            scheduled.set(false);
            // A message offered after the last poll but before the flag cleared would wait forever.
            if (closed || queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
                return;
            }
        }
    }
}
