package dev.conduit.websocket.spring.hub;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.PreparedMessage;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection joined to the hub: its send queue, bounded by count and by bytes, and its sender. At most one sender task
 * per connection is queued or running, so the connection has a single writer and its messages keep
 * the order they were queued in.
 */
final class Subscriber implements Runnable {
    // A sender on a shared pool yields after this many messages so that busy connections take turns;
    // it writes what it finds queued together (up to BATCH_BYTES of payload), under one write deadline.
    static final int BATCH = 64;
    static final int BATCH_BYTES = 64 * 1024;

    final Conn conn;
    final Set<String> topics = ConcurrentHashMap.newKeySet();
    /** Recoveries under way or just finished, by topic. */
    final java.util.Map<String, Recovery> recoveries = new ConcurrentHashMap<>();
    /** Whether this connection speaks the recovery protocol ({@link IdFrames}). */
    volatile boolean withIds;
    private final Hub hub;
    private final ArrayBlockingQueue<PreparedMessage> queue;
    private final long maxBytes;
    // Payload bytes queued; a message larger than maxBytes still goes through an empty queue.
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean dropped;

    Subscriber(Hub hub, Conn conn, int capacity, long maxBytes) {
        this.hub = hub;
        this.conn = conn;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxBytes = maxBytes;
    }

    /** @return false when the queue is full (by count or by bytes) */
    boolean offer(PreparedMessage message) {
        if (dropped) {
            return true;
        }
        int size = message.length();
        long after = queuedBytes.addAndGet(size);
        if (after > maxBytes && after != size) {
            queuedBytes.addAndGet(-size);
            return false;
        }
        if (!queue.offer(message)) {
            queuedBytes.addAndGet(-size);
            return false;
        }
        schedule();
        return true;
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                hub.senders().execute(this);
            } catch (RejectedExecutionException e) {
                // The hub is closing: nothing more is sent.
                scheduled.set(false);
            }
        }
    }

    /** Marks the subscriber dropped; @return the messages it still had queued */
    int markDropped() {
        dropped = true;
        int left = queue.size();
        queue.clear();
        queuedBytes.set(0);
        return left;
    }

    boolean isDropped() {
        return dropped;
    }

    @Override
    public void run() {
        int sent = 0;
        List<PreparedMessage> batch = null;
        long batchBytes = 0;
        while (true) {
            PreparedMessage message;
            while (!dropped && (message = queue.poll()) != null) {
                int size = message.length();
                queuedBytes.addAndGet(-size);
                if (batch == null) {
                    batch = new ArrayList<>();
                } else if (!batch.isEmpty() && batchBytes + size > BATCH_BYTES) {
                    if (!send(batch)) {
                        return;
                    }
                    sent += batch.size();
                    batch.clear();
                    batchBytes = 0;
                }
                batch.add(message);
                batchBytes += size;
                if (sent + batch.size() >= BATCH) {
                    if (send(batch)) {
                        // Let other connections' senders run; this one is requeued behind them.
                        scheduled.set(false);
                        schedule();
                    }
                    return;
                }
            }
            if (batch != null && !batch.isEmpty() && !dropped) {
                if (!send(batch)) {
                    return;
                }
                sent += batch.size();
                batch.clear();
                batchBytes = 0;
                continue; // more may have come meanwhile
            }
            scheduled.set(false);
            // A message offered after the last poll but before the flag cleared would wait forever.
            if (dropped || queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
                return;
            }
        }
    }

    /** Writes the messages in one go under one write deadline. @return false if the write failed (then this is dropped) */
    private boolean send(List<PreparedMessage> batch) {
        try {
            conn.setWriteDeadline(Instant.now().plus(hub.writeTimeout()));
            if (batch.size() == 1) {
                conn.writePreparedMessage(batch.get(0));
            } else {
                conn.writePreparedMessages(batch);
            }
            hub.countDelivered(batch.size());
            return true;
        } catch (IOException | RuntimeException e) {
            hub.dropAfterWriteFailure(this, e);
            return false;
        }
    }
}
