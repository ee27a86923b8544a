package dev.conduit.websocket.spring.hub.redis;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** Lets a kind of WARN through at most once per interval and counts the ones held back. */
final class WarnLimiter {
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private boolean warned;
    private long lastWarnNanos;
    private long heldBack;

    WarnLimiter(long interval, TimeUnit unit, LongSupplier nanoClock) {
        this.intervalNanos = unit.toNanos(interval);
        this.nanoClock = nanoClock;
    }

    /** @return -1 when this warning is held back, else how many were held back since the last one logged */
    synchronized long tryWarn() {
        long now = nanoClock.getAsLong();
        if (warned && now - lastWarnNanos < intervalNanos) {
            heldBack++;
            return -1;
        }
        warned = true;
        lastWarnNanos = now;
        long previous = heldBack;
        heldBack = 0;
        return previous;
    }
}
