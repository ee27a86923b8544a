package dev.conduit.websocket.server.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Enforces deadlines where the container has no socket timeout (Undertow): one daemon thread runs
 * an alarm at the deadline of each blocked call, which shuts down that half of the socket so the
 * call fails. The call is cancelled in the common case that it finishes in time. Belongs to a
 * {@link TransportRuntime}, which stops it on close.
 */
final class DeadlineWatchdog {
    private final ScheduledThreadPoolExecutor timer;

    DeadlineWatchdog() {
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "conduit-websocket-deadlines");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true); // cancelled alarms must not pile up in the queue
    }

    ScheduledFuture<?> schedule(Runnable alarm, long millis) {
        return timer.schedule(alarm, millis, TimeUnit.MILLISECONDS);
    }

    /** Stops the thread; alarms not yet run are dropped. */
    void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
