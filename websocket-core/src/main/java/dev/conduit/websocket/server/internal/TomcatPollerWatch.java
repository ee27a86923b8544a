package dev.conduit.websocket.server.internal;

import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for Tomcat's poller to make progress during a takeover ({@link TomcatSocketLevers#takeChannel}):
 * Tomcat offers no notification, so the condition has to be polled. One thread polls for every
 * takeover under way, and the upgrade threads sleep until it wakes them.
 * <p>
 * Why not let each upgrade thread poll: in a ramp of a thousand connections on two cores, a
 * thousand platform threads waking every few hundred microseconds to look starved the very poller
 * they waited for, and hundreds of takeovers gave up after 10 s (the example app's
 * thousand-connection test; backing off to 5 ms between looks was not enough).
 * <p>
 * The poller usually answers within a few hundred microseconds, so a waiter looks a few times
 * itself before it hands the condition over. The watch belongs to a {@link TransportRuntime}, which
 * starts it with the first takeover and stops it on close.
 */
final class TomcatPollerWatch implements Runnable {
    private static final long WATCH_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final long[] OWN_PAUSES_NANOS = {20_000, 50_000, 100_000};

    private final ConcurrentLinkedQueue<Waiter> waiting = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean stopped;

    private TomcatPollerWatch() {
        thread = new Thread(this, "conduit-websocket-tomcat-takeover-watch");
        thread.setDaemon(true);
    }

    /** @return a running watch */
    static TomcatPollerWatch start() {
        TomcatPollerWatch watch = new TomcatPollerWatch();
        watch.thread.start();
        return watch;
    }

    /** Stops the thread (waited for up to a second); takeovers still waiting fail. */
    void close() {
        stopped = true;
        LockSupport.unpark(thread);
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Waiter {
        final BooleanSupplier condition;
        final Thread thread;
        volatile boolean met;

        Waiter(BooleanSupplier condition, Thread thread) {
            this.condition = condition;
            this.thread = thread;
        }
    }

    /** The condition did not hold within the budget: Tomcat's poller is late (or does not do what the takeover expects). */
    static final class LateException extends IOException {
        LateException(String message) {
            super(message);
        }
    }

    /**
     * Returns once {@code condition} holds.
     *
     * @param condition the poller's progress; may be called on the watch thread
     * @param failure what the exception says when the condition does not hold in time
     * @param budgetNanos how long to wait
     * @param extendWhile while this holds, the wait goes on past the budget, up to {@code limitNanos}
     * @param limitNanos the longest wait, extended or not
     * @throws LateException when the condition does not hold in time
     * @throws IOException when the watch is closed
     */
    void await(BooleanSupplier condition, String failure, long budgetNanos, BooleanSupplier extendWhile,
               long limitNanos) throws IOException {
        for (long pause : OWN_PAUSES_NANOS) {
            if (condition.getAsBoolean()) {
                return;
            }
            LockSupport.parkNanos(pause);
        }
        if (condition.getAsBoolean()) {
            return;
        }
        Waiter waiter = new Waiter(condition, Thread.currentThread());
        waiting.add(waiter);
        if (stopped) {
            waiting.remove(waiter);
            throw new IOException(failure + " (the server transport is closed)");
        }
        LockSupport.unpark(thread);
        long start = System.nanoTime();
        while (!waiter.met) {
            long waited = System.nanoTime() - start;
            long left = budgetNanos - waited;
            if (left <= 0 && waited < limitNanos && extendWhile.getAsBoolean()) {
                left = Math.min(limitNanos - waited, TimeUnit.SECONDS.toNanos(1)); // look at extendWhile again then
            }
            if (left <= 0) {
                waiting.remove(waiter);
                if (condition.getAsBoolean()) {
                    return;
                }
                throw new LateException(failure + " within " + TimeUnit.NANOSECONDS.toMillis(waited) + " ms");
            }
            LockSupport.parkNanos(waiter, left);
        }
        if (stopped && !condition.getAsBoolean()) {
            throw new IOException(failure + " (the server transport is closed)");
        }
        if (!condition.getAsBoolean()) { // the watch saw it hold, or failed to look: look once more here
            throw new LateException(failure);
        }
    }

    @Override
    public void run() {
        while (!stopped) {
            if (waiting.isEmpty()) {
                LockSupport.park(this); // a new waiter unparks this thread after adding itself
                continue;
            }
            for (Waiter waiter : waiting) {
                boolean met;
                try {
                    met = waiter.condition.getAsBoolean();
                } catch (RuntimeException e) {
                    met = true; // the waiter looks again itself and sees the failure
                }
                if (met) {
                    waiting.remove(waiter);
                    waiter.met = true;
                    LockSupport.unpark(waiter.thread);
                }
            }
            LockSupport.parkNanos(this, WATCH_PAUSE_NANOS);
        }
        for (Waiter waiter : waiting) { // they look once more themselves, and fail
            waiting.remove(waiter);
            waiter.met = true;
            LockSupport.unpark(waiter.thread);
        }
    }
}
