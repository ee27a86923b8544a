package dev.conduit.websocket.spring.endpoint;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Counts and tracks the open connections of every endpoint: it enforces the connection limit
 * (an upgrade beyond it is refused with 503) and closes connections gracefully when the
 * application stops.
 *
 * <p>No Servlet container closes an upgraded connection it does not understand, so on shutdown
 * this lifecycle, stopping before the web server's graceful shutdown, refuses new upgrades, sends
 * close 1001 (going away) to every open connection and waits up to the shutdown timeout for their
 * handlers to end; connections still open then are closed abruptly.
 *
 * <p>It also knows each open connection ({@link OpenConnection}: id, endpoint, principal, peer,
 * opening time, attributes), by id and by principal name, for the {@code WebSocketConnections} bean.
 */
public final class ConnectionRegistry implements SmartLifecycle {
    /**
     * Above Boot's {@code WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE}
     * ({@code DEFAULT_PHASE - 1024}), so that this stops first, while the server still runs.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

    private static final Logger log = LoggerFactory.getLogger(ConnectionRegistry.class);

    /** Threads sending close 1001 at shutdown; each close is bounded by the close timeout. */
    private static final int SHUTDOWN_THREADS = 32;

    /** How long a place reserved for an accepted upgrade waits for its handler to start. */
    public static final Duration DEFAULT_HANDOVER_TIMEOUT = Duration.ofSeconds(30);

    private final int maxConnections;
    private final Duration shutdownTimeout;
    private final long handoverTimeoutNanos;
    private final AtomicInteger reserved = new AtomicInteger();
    private final Set<Reservation> pending = ConcurrentHashMap.newKeySet();
    private final OpenConnectionIndex open = new OpenConnectionIndex();
    private final Object lock = new Object();
    private volatile boolean running;
    private volatile boolean accepting = true;
    private volatile SupervisionThreads supervisionThreads = new SupervisionThreads();
    private volatile Duration closeTimeout = Duration.ofSeconds(1);

    /**
     * @param maxConnections the most connections open at once (upgrades beyond are refused)
     * @param shutdownTimeout how long stopping waits for connections to end after the close 1001
     */
    public ConnectionRegistry(int maxConnections, Duration shutdownTimeout) {
        this(maxConnections, shutdownTimeout, DEFAULT_HANDOVER_TIMEOUT);
    }

    /**
     * @param maxConnections the most connections open at once (upgrades beyond are refused)
     * @param shutdownTimeout how long stopping waits for connections to end after the close 1001
     * @param handoverTimeout how long a place reserved for an accepted upgrade is kept if the
     *                        container never starts the connection's handler (the client vanished
     *                        before the handover, or the handshake timeout passed); such places
     *                        are given back when the limit is reached
     */
    public ConnectionRegistry(int maxConnections, Duration shutdownTimeout, Duration handoverTimeout) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, was " + maxConnections);
        }
        this.maxConnections = maxConnections;
        this.shutdownTimeout = shutdownTimeout;
        this.handoverTimeoutNanos = handoverTimeout.toNanos();
    }

    /**
     * @param closeTimeout the bound of each connection's close 1001 at shutdown (at most the
     *                     shutdown timeout), so that a peer that does not read costs only itself
     */
    public void setCloseTimeout(Duration closeTimeout) {
        this.closeTimeout = closeTimeout;
    }

    /** @return the threads that supervise connections (idle timeout, keep-alive), stopped with this */
    SupervisionThreads supervisionThreads() {
        return supervisionThreads;
    }

    /** @return the most connections open at once */
    public int maxConnections() {
        return maxConnections;
    }

    /** @return the shutdown timeout */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** @return the connections being upgraded or open now */
    public int count() {
        return reserved.get();
    }

    /** @return whether new upgrades are accepted (false once stopping began) */
    public boolean accepting() {
        return accepting;
    }

    /**
     * Reserves a place for a connection before its upgrade.
     *
     * @return the reservation, or {@code null} if the limit is reached or the application is stopping
     */
    public Reservation tryReserve() {
        if (!accepting) {
            return null;
        }
        boolean swept = false;
        while (true) {
            int n = reserved.get();
            if (n >= maxConnections) {
                if (swept) {
                    return null;
                }
                expireStaleReservations();
                swept = true;
                continue;
            }
            if (reserved.compareAndSet(n, n + 1)) {
                Reservation reservation = new Reservation(System.nanoTime());
                pending.add(reservation);
                return reservation;
            }
        }
    }

    // Places of upgrades whose handler never started (see the constructor) go back to the pool.
    private void expireStaleReservations() {
        long now = System.nanoTime();
        for (Reservation r : pending) {
            if (now - r.createdNanos >= handoverTimeoutNanos && r.state.compareAndSet(Reservation.PENDING, Reservation.EXPIRED)) {
                pending.remove(r);
                release();
                log.debug("A WebSocket upgrade accepted {} ms ago never reached its handler; its place is given back",
                        Duration.ofNanos(now - r.createdNanos).toMillis());
            }
        }
    }

    /**
     * Gives back a place whose upgrade was refused or failed.
     *
     * @param reservation from {@link #tryReserve()}
     */
    public void cancel(Reservation reservation) {
        if (reservation.state.compareAndSet(Reservation.PENDING, Reservation.DONE)) {
            pending.remove(reservation);
            release();
        }
    }

    /**
     * Registers a connection whose handler starts now, taking over its reservation.
     *
     * @param reservation the place reserved before the upgrade
     * @param conn the connection
     * @return false if the application began stopping meanwhile: the caller closes it with 1001
     */
    public boolean opened(Reservation reservation, Conn conn) {
        return opened(reservation, conn, null, null) != null;
    }

    /**
     * Registers a connection whose handler starts now, taking over its reservation, with what it
     * is: its endpoint, principal and peer.
     *
     * @param reservation the place reserved before the upgrade
     * @param conn the connection
     * @param endpoint the endpoint's path template
     * @param info the handshake snapshot (principal, remote address), or {@code null}
     * @return the registered connection, or {@code null} if the application began stopping
     *         meanwhile: the caller closes it with 1001 (it stays registered until {@link #closed})
     */
    public OpenConnection opened(Reservation reservation, Conn conn, String endpoint, HandshakeInfo info) {
        if (reservation.state.compareAndSet(Reservation.PENDING, Reservation.DONE)) {
            pending.remove(reservation);
        } else {
            // The reservation expired, yet the connection arrived: count it again.
            reserved.incrementAndGet();
        }
        OpenConnection c = open.add(conn, endpoint, info);
        return accepting ? c : null;
    }

    /**
     * Unregisters a connection whose handler ended, giving back its place.
     *
     * @param conn the connection
     */
    public void closed(Conn conn) {
        if (open.remove(conn)) {
            release();
        }
    }

    /** @return the connections whose handler runs now, in no particular order */
    public Collection<OpenConnection> connections() {
        return open.all();
    }

    /**
     * @param id a connection's id
     * @return the open connection, or {@code null}
     */
    public OpenConnection connection(String id) {
        return open.byId(id);
    }

    /**
     * @param principal a principal name
     * @return the principal's open connections
     */
    public List<OpenConnection> connectionsOf(String principal) {
        return open.byPrincipal(principal);
    }

    /**
     * @param listener told, on the handler's thread, when a registered connection's handler ended
     */
    public void onClosed(Consumer<OpenConnection> listener) {
        open.onClosed(listener);
    }

    private void release() {
        reserved.decrementAndGet();
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    @Override
    public void start() {
        if (!running && !accepting) {
            supervisionThreads = new SupervisionThreads(); // started again after a stop
        }
        accepting = true;
        running = true;
    }

    @Override
    public void stop() {
        try {
            closeAll();
        } finally {
            supervisionThreads.shutdown();
        }
    }

    @Override
    public void stop(Runnable callback) {
        // Asynchronous, so that other lifecycles of this phase stop in parallel.
        Thread thread = new Thread(() -> {
            try {
                stop();
            } finally {
                callback.run();
            }
        }, "conduit-websocket-shutdown");
        thread.setDaemon(true);
        thread.start();
    }

    private void closeAll() {
        accepting = false;
        running = false;
        List<Conn> conns = open.conns();
        if (conns.isEmpty() && reserved.get() == 0) {
            return;
        }
        Instant deadline = Instant.now().plus(shutdownTimeout);
        log.debug("Sending close 1001 to {} WebSocket connections, waiting up to {}", conns.size(), shutdownTimeout);
        sendGoingAway(conns, deadline);
        synchronized (lock) {
            // Also wait for upgrades still in flight (reserved, handler not yet registered): their
            // handler sees the registry closed and sends 1001 itself, before the container stops.
            while (reserved.get() > 0 && Instant.now().isBefore(deadline)) {
                try {
                    lock.wait(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        List<Conn> left = open.conns();
        if (!left.isEmpty()) {
            log.info("{} WebSocket connections did not end within {} after close 1001; closing them", left.size(), shutdownTimeout);
            for (Conn conn : left) {
                try {
                    conn.close();
                } catch (Exception e) {
                    log.debug("Closing {} failed: {}", conn.remoteAddr(), e.toString());
                }
            }
        }
    }

    /**
     * Sends close 1001 to every connection at once, each within its own bound (the close timeout,
     * at most the shutdown deadline): a peer that does not read, or a writer stuck on it, costs that
     * connection alone. One that cannot take its close in time is closed at once, which ends its
     * handler's read; the others get theirs however many are stuck.
     */
    private void sendGoingAway(List<Conn> conns, Instant deadline) {
        if (conns.isEmpty()) {
            return;
        }
        byte[] goingAway = WebSocket.formatCloseMessage(WebSocket.CLOSE_GOING_AWAY, "server shutting down");
        int threads = Math.min(conns.size(), SHUTDOWN_THREADS);
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    for (int k; (k = next.getAndIncrement()) < conns.size(); ) {
                        goAway(conns.get(k), goingAway, deadline);
                    }
                } finally {
                    done.countDown();
                }
            }, "conduit-websocket-shutdown-" + i);
            t.setDaemon(true);
            t.start();
        }
        try {
            done.await(Math.max(0, Duration.between(Instant.now(), deadline).toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void goAway(Conn conn, byte[] goingAway, Instant shutdownDeadline) {
        Instant own = Instant.now().plus(closeTimeout);
        try {
            conn.writeControl(WebSocket.CLOSE_MESSAGE, goingAway, own.isBefore(shutdownDeadline) ? own : shutdownDeadline);
        } catch (Exception e) {
            log.debug("Could not send close 1001 to {} ({}); closing it", conn.remoteAddr(), e.toString());
            try {
                conn.close();
            } catch (Exception closeFailure) {
                log.debug("Closing {} failed: {}", conn.remoteAddr(), closeFailure.toString());
            }
        }
    }

    /** A place reserved for one upgrade, taken over by its connection once the handler starts. */
    public static final class Reservation {
        static final int PENDING = 0;
        static final int DONE = 1;
        static final int EXPIRED = 2;

        private final long createdNanos;
        private final java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger(PENDING);

        private Reservation(long createdNanos) {
            this.createdNanos = createdNanos;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
