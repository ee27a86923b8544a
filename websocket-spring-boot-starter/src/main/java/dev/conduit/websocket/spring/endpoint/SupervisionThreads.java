package dev.conduit.websocket.spring.endpoint;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that supervise connections, owned by the {@link ConnectionRegistry} and stopped with
 * it: one timer that only looks at clocks and never touches a socket, and a small pool that sends
 * the pings and closes it decides on. A ping or close that blocks (a peer that does not read)
 * holds one pool thread for at most its own deadline and delays no other connection's check.
 */
final class SupervisionThreads {
    /** Concurrent control-frame writes; each is bounded by the close timeout. */
    static final int IO_THREADS = 16;

    private final ScheduledThreadPoolExecutor timer;
    private final ThreadPoolExecutor io;

    SupervisionThreads() {
        timer = new ScheduledThreadPoolExecutor(1, daemon("conduit-websocket-supervisor"));
        timer.setRemoveOnCancelPolicy(true);
        io = new ThreadPoolExecutor(IO_THREADS, IO_THREADS, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemon("conduit-websocket-supervisor-io-"));
        io.allowCoreThreadTimeOut(true);
    }

    /** @return the periodic check, or {@code null} once stopped */
    ScheduledFuture<?> schedule(Runnable check, long periodNanos) {
        try {
            return timer.scheduleWithFixedDelay(check, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** @return false once stopped (the write is not made) */
    boolean execute(Runnable write) {
        try {
            io.execute(write);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Stops both; writes under way end on their own deadlines. */
    void shutdown() {
        timer.shutdownNow();
        io.shutdown();
    }

    /** @return whether both stopped and their threads have ended */
    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long end = System.nanoTime() + unit.toNanos(timeout);
        return timer.awaitTermination(timeout, unit) && io.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name.endsWith("-") ? name + n.incrementAndGet() : name);
            t.setDaemon(true);
            return t;
        };
    }
}
