package dev.conduit.websocket.spring.endpoint;

import java.util.concurrent.Semaphore;

/**
 * Bounds the handshakes in progress at once across all endpoints (from the request reaching the
 * endpoint until the 101 is committed or the upgrade refused), so a burst of upgrades — or
 * handshakes held up in an application's origin check or customizer — cannot take every request
 * thread. Beyond the bound an upgrade is refused with 503.
 */
public final class HandshakeLimiter {
    /** No bound. */
    public static final HandshakeLimiter UNLIMITED = new HandshakeLimiter(0);

    private final int max;
    private final Semaphore permits;

    /**
     * @param max the most handshakes in progress at once; 0 or less for no bound
     */
    public HandshakeLimiter(int max) {
        this.max = Math.max(0, max);
        this.permits = this.max > 0 ? new Semaphore(this.max) : null;
    }

    /** @return the bound, 0 for none */
    public int max() {
        return max;
    }

    /** @return whether a handshake may start now; if so, {@link #release()} must follow */
    boolean tryAcquire() {
        return permits == null || permits.tryAcquire();
    }

    void release() {
        if (permits != null) {
            permits.release();
        }
    }
}
