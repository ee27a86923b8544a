package dev.conduit.websocket.spring.endpoint;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one connection for {@link ConnSupervision}: sends the keep-alive pings, and ends the
 * connection when the peer went quiet (idle timeout: close 1001, then the transport after the close
 * timeout) or stopped answering pings (half-open: close 1001 best effort, then the transport at
 * once, which ends the handler's blocked read). The check runs on the registry's timer and only
 * reads clocks; the frames it decides on go out on the supervision pool, one at a time per
 * connection, so a connection whose writes are stuck never delays the checks of the others.
 */
final class ConnSupervisor implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ConnSupervisor.class);

    private final Conn conn;
    private final ConnSupervision supervision;
    private final Duration closeTimeout;
    private final SupervisionThreads threads;
    private final long idleNanos;
    private final long pingNanos;
    private final long pongNanos;
    private final AtomicBoolean writing = new AtomicBoolean();
    private volatile long lastFrameNanos = System.nanoTime();
    private volatile boolean awaitingPong;
    private volatile boolean reading;
    private long lastPingNanos;
    private long closingSinceNanos;
    private ScheduledFuture<?> task;

    private ConnSupervisor(Conn conn, ConnSupervision supervision, Duration closeTimeout, SupervisionThreads threads) {
        this.conn = conn;
        this.supervision = supervision;
        this.closeTimeout = closeTimeout;
        this.threads = threads;
        this.idleNanos = supervision.idleTimeoutEnabled() ? supervision.idleTimeout().toNanos() : 0;
        this.pingNanos = supervision.keepAliveEnabled() ? supervision.pingInterval().toNanos() : 0;
        this.pongNanos = supervision.keepAliveEnabled() ? supervision.effectivePongTimeout().toNanos() : 0;
        this.lastPingNanos = System.nanoTime();
    }

    /**
     * @return a started supervisor, or {@code null} when nothing is watched (or the threads stopped)
     */
    static ConnSupervisor start(Conn conn, ConnSupervision supervision, Duration closeTimeout, SupervisionThreads threads) {
        if (supervision == null || !supervision.enabled()) {
            return null;
        }
        ConnSupervisor s = new ConnSupervisor(conn, supervision, closeTimeout, threads);
        // Check a few times per shortest period, so a timeout fires within a fraction of itself late.
        long shortest = Long.MAX_VALUE;
        for (long n : new long[] {s.idleNanos, s.pingNanos, s.pongNanos}) {
            if (n > 0) {
                shortest = Math.min(shortest, n);
            }
        }
        long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(10), shortest / 4);
        synchronized (s) {
            s.task = threads.schedule(s, tick);
            if (s.task == null) {
                return null;
            }
        }
        return s;
    }

    /**
     * The handler reads: from now on pongs and data are seen, so the checks begin. Until a handler
     * reads nobody would see a pong (as in gorilla, control frames are handled inside reads), and a
     * handler that only writes would be taken for a half-open peer.
     */
    void readStarted() {
        if (!reading) {
            lastFrameNanos = System.nanoTime();
            reading = true;
        }
    }

    /** A frame arrived (a data message, a ping or a pong). */
    void frameArrived() {
        lastFrameNanos = System.nanoTime();
    }

    /** A pong arrived. */
    void pongArrived() {
        awaitingPong = false;
        lastFrameNanos = System.nanoTime();
    }

    /** The handler ended: nothing more to watch. */
    synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    @Override
    public synchronized void run() {
        if (task == null || writing.get() || !reading) {
            // Stopped, a frame this supervisor sent is still on its way (bounded by its deadline),
            // or the handler has not read yet.
            return;
        }
        long now = System.nanoTime();
        if (closingSinceNanos != 0) {
            if (now - closingSinceNanos >= closeTimeout.toNanos()) {
                log.debug("WebSocket peer {} did not answer the idle close; closing the connection", conn.remoteAddr());
                abort();
            }
            return;
        }
        if (awaitingPong && now - lastPingNanos >= pongNanos) {
            log.debug("WebSocket peer {} did not answer a ping within {}; closing the connection (half-open)",
                    conn.remoteAddr(), supervision.effectivePongTimeout());
            stop();
            send(() -> {
                sendClose("no pong");
                abort();
            });
            return;
        }
        if (idleNanos > 0 && now - lastFrameNanos >= idleNanos) {
            log.debug("WebSocket peer {} sent nothing for {}; closing with 1001", conn.remoteAddr(), supervision.idleTimeout());
            closingSinceNanos = now;
            send(() -> {
                if (!sendClose("idle timeout")) {
                    abort();
                }
            });
            return;
        }
        if (pingNanos > 0 && !awaitingPong && now - lastPingNanos >= pingNanos) {
            lastPingNanos = now;
            awaitingPong = true;
            send(() -> {
                try {
                    conn.writeControl(WebSocket.PING_MESSAGE, new byte[0], deadline());
                } catch (Exception e) {
                    // The transport is gone or too slow to take a control frame: the handler's read ends it.
                    log.debug("WebSocket keep-alive on {} failed: {}", conn.remoteAddr(), e.toString());
                    abort();
                }
            });
        }
    }

    /** Runs a write on the supervision pool, at most one per connection at a time. */
    private void send(Runnable write) {
        if (!writing.compareAndSet(false, true)) {
            return;
        }
        boolean queued = threads.execute(() -> {
            try {
                write.run();
            } finally {
                writing.set(false);
            }
        });
        if (!queued) {
            writing.set(false);
            abort(); // the application is stopping: the registry closes what is left
        }
    }

    private boolean sendClose(String reason) {
        try {
            conn.writeControl(WebSocket.CLOSE_MESSAGE, WebSocket.formatCloseMessage(WebSocket.CLOSE_GOING_AWAY, reason), deadline());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private Instant deadline() {
        return Instant.now().plus(closeTimeout);
    }

    private void abort() {
        stop();
        try {
            conn.close();
        } catch (Exception e) {
            log.trace("Closing the WebSocket transport failed", e);
        }
    }
}
