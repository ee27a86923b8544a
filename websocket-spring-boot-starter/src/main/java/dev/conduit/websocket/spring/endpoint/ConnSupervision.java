package dev.conduit.websocket.spring.endpoint;

import java.time.Duration;

/**
 * What the starter watches on each open connection besides the handler: an idle timeout and a
 * keep-alive. Both are off when their duration is zero or {@code null}. Control frames are seen
 * only while the handler reads (as in gorilla), so both need a handler that keeps reading.
 *
 * @param idleTimeout close with 1001 when no frame (data, ping or pong) arrived for this long
 * @param pingInterval send a ping this often
 * @param pongTimeout how long a ping may stay unanswered before the peer counts as gone (half-open
 *                    TCP: no FIN, no RST) and the connection is closed
 */
public record ConnSupervision(Duration idleTimeout, Duration pingInterval, Duration pongTimeout) {
    /** Nothing watched. */
    public static final ConnSupervision NONE = new ConnSupervision(null, null, null);

    /** @return whether the idle timeout is on */
    public boolean idleTimeoutEnabled() {
        return isPositive(idleTimeout);
    }

    /** @return whether the keep-alive is on */
    public boolean keepAliveEnabled() {
        return isPositive(pingInterval);
    }

    /** @return the pong timeout in force: the configured one, or the ping interval */
    public Duration effectivePongTimeout() {
        return isPositive(pongTimeout) ? pongTimeout : pingInterval;
    }

    /** @return whether anything is watched */
    public boolean enabled() {
        return idleTimeoutEnabled() || keepAliveEnabled();
    }

    private static boolean isPositive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }
}
