package dev.conduit.websocket.spring.hub.redis;

import java.time.Duration;
import org.slf4j.Logger;

/** One WARN when a relay's side starts failing and one when it works again, whatever happens in between. Single-threaded. */
final class OutageLog {
    private final Logger log;
    private boolean down;
    private long startedNanos;

    OutageLog(Logger log) {
        this.log = log;
    }

    /** @return true for the first failure of an outage (the WARN was logged) */
    boolean failed(RuntimeException e, String what) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        if (down) {
            log.debug("Hub relay: still failing: {}", cause.toString());
            return false;
        }
        down = true;
        startedNanos = System.nanoTime();
        log.warn("Hub relay: {} ({})", what, cause.toString());
        log.debug("Hub relay: failure", e);
        return true;
    }

    /** @return the outage's length, or null when there was none */
    Duration recovered() {
        if (!down) {
            return null;
        }
        down = false;
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    boolean isDown() {
        return down;
    }
}
