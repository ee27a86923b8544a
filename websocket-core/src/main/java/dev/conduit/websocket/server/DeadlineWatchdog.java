package dev.conduit.websocket.server;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Enforces deadlines where the container has no socket timeout (Undertow): one shared daemon
 * thread runs an alarm at the deadline of each blocked call, which shuts down that half of the
 * socket so the call fails. The call is cancelled in the common case that it finishes in time.
 */
final class DeadlineWatchdog {
    private static final ScheduledThreadPoolExecutor TIMER = create();

    private DeadlineWatchdog() {
    }

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "conduit-websocket-deadlines");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true); // cancelled alarms must not pile up in the queue
        return timer;
    }

    static ScheduledFuture<?> schedule(Runnable alarm, long millis) {
        return TIMER.schedule(alarm, millis, TimeUnit.MILLISECONDS);
    }
}
