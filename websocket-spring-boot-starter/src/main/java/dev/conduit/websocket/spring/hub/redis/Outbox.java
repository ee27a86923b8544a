package dev.conduit.websocket.spring.hub.redis;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Envelopes waiting for the publisher thread, bounded by count and by bytes. When a new envelope
 * does not fit, the oldest ones are dropped to make room: broadcasting never waits for Redis, the
 * freshest broadcasts are the ones still worth relaying, and the receivers see the dropped ones as a
 * gap in the sequence numbers (counted there too).
 */
final class Outbox {
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private final int maxMessages;
    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private long bytes;

    Outbox(int maxMessages, long maxBytes) {
        if (maxMessages < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("The outbox needs room for at least one message: " + maxMessages + " / " + maxBytes);
        }
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /**
     * @param envelope the encoded envelope
     * @return how many envelopes were dropped to make room (the oldest first; the new one itself when it alone exceeds the bytes)
     */
    int add(byte[] envelope) {
        lock.lock();
        try {
            if (envelope.length > maxBytes) {
                return 1;
            }
            int dropped = 0;
            while (!queue.isEmpty() && (queue.size() >= maxMessages || bytes + envelope.length > maxBytes)) {
                bytes -= queue.pollFirst().length;
                dropped++;
            }
            queue.addLast(envelope);
            bytes += envelope.length;
            notEmpty.signal();
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for envelopes and moves up to {@code max} of them, oldest first, into {@code batch}.
     *
     * @return false when none came within the timeout
     */
    boolean drainTo(List<byte[]> batch, int max, long timeout, TimeUnit unit) throws InterruptedException {
        return drainTo(batch, max, Long.MAX_VALUE, timeout, unit);
    }

    /**
     * Like {@link #drainTo(List, int, long, TimeUnit)}, stopping before {@code maxBytes} (the first
     * envelope is always taken).
     */
    boolean drainTo(List<byte[]> batch, int max, long maxBytes, long timeout, TimeUnit unit) throws InterruptedException {
        lock.lock();
        try {
            long nanos = unit.toNanos(timeout);
            while (queue.isEmpty()) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            long taken = 0;
            for (int i = 0; i < max && !queue.isEmpty(); i++) {
                if (i > 0 && taken + queue.peekFirst().length > maxBytes) {
                    break;
                }
                byte[] envelope = queue.pollFirst();
                bytes -= envelope.length;
                taken += envelope.length;
                batch.add(envelope);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }
}
