package dev.conduit.websocket.server.internal;

import dev.conduit.websocket.server.ServerTransport;
import dev.conduit.websocket.server.Transport;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * What is behind a {@link ServerTransport}: the takeover's gate (the configured choice, the
 * Tomcat version, whether a failure turned the takeover off for this JVM) and the threads the
 * transports need, started on first use and stopped by {@link #close()}: the read loops and the
 * Tomcat poller watch of the takeover, and the deadline watchdog of containers without socket
 * timeouts.
 */
public final class TransportRuntime implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TransportRuntime.class.getName());
    /** Why the takeover was turned off, JVM-wide (Tomcat's classes do not change), or null. */
    private static final AtomicReference<String> TURNED_OFF = new AtomicReference<>();
    /** Whether a takeover that found Tomcat's poller late has logged its WARN. */
    private static final AtomicBoolean LATE_WARNED = new AtomicBoolean();

    private final Transport mode;
    private final int readLoops;
    private final AtomicInteger nextLoop = new AtomicInteger();
    private final AtomicBoolean announced = new AtomicBoolean();
    private final LongAdder lateTakeovers = new LongAdder();
    // Guarded by "this"; started on first use.
    private ReadLoop[] loops;
    private TomcatPollerWatch pollerWatch;
    private DeadlineWatchdog deadlines;
    private volatile boolean closed;

    /**
     * @param mode how connections are served
     * @param readLoops the number of read loops of the takeover, 0 for the default
     */
    public TransportRuntime(Transport mode, int readLoops) {
        this.mode = Objects.requireNonNull(mode, "mode");
        if (readLoops < 0) {
            throw new IllegalArgumentException("readLoops must be 0 (default) or more: " + readLoops);
        }
        this.readLoops = readLoops;
    }

    /** @return the configured choice */
    public Transport mode() {
        return mode;
    }

    /** @return the number of read loops the takeover starts */
    public int readLoops() {
        return readLoops > 0 ? readLoops : Math.max(1, Runtime.getRuntime().availableProcessors() / 4);
    }

    /** @return the version of the Tomcat on the class path, or null */
    public static String tomcatVersion() {
        return TomcatVersion.onClassPath();
    }

    /** Logs once what a start-up should tell (see {@link ServerTransport#announce()}). */
    public void announce() {
        if (!announced.get() && announced.compareAndSet(false, true)) {
            announce(TomcatVersion.onClassPath(), TomcatVersion.classLoader());
        }
    }

    /** {@link #announce()} for a given Tomcat version and the class loader that sees it (null: no Tomcat). */
    void announce(String version, ClassLoader tomcat) {
        if (version == null) {
            return;
        }
        if (mode == Transport.AUTO && !TomcatVersion.verified(version)) {
            LOG.log(System.Logger.Level.INFO, "websocket: Tomcat " + version + " is not a version the channel takeover"
                    + " is verified on (" + ServerTransport.VERIFIED_TOMCAT + "); connections use Tomcat's streams. Set"
                    + " conduit.websocket.transport=takeover (Upgrader.Builder.transport(Transport.TAKEOVER)) to"
                    + " take over anyway");
        }
        TomcatLeverProbe.warnMissing(tomcat, version);
    }

    /** @return why a Tomcat connection gets the container's streams, or null when it gets the takeover */
    public String containerReason(String version) {
        if (closed) {
            return "the transport is closed";
        }
        if (mode == Transport.CONTAINER) {
            return "conduit.websocket.transport=container";
        }
        String off = TURNED_OFF.get();
        if (off != null) {
            return "turned off after a failure: " + off;
        }
        if (version == null) {
            return "not on Tomcat";
        }
        if (mode == Transport.AUTO && !TomcatVersion.verified(version)) {
            return "Tomcat " + version + " is not verified for the takeover (" + ServerTransport.VERIFIED_TOMCAT
                    + "); conduit.websocket.transport=takeover forces it";
        }
        return null;
    }

    /**
     * @param tomcatVersion the version of the Tomcat serving the connection, or null if unknown
     * @return whether a connection should be taken over
     */
    boolean takeoverWanted(String tomcatVersion) {
        announce();
        return containerReason(tomcatVersion) == null;
    }

    /**
     * Turns the takeover off for the rest of the JVM's life after a failure at {@code step};
     * the first failure logs one WARN, later ones (connections already under way) DEBUG.
     */
    static void takeoverFailed(TakeoverStep step, String tomcatVersion, Throwable cause) {
        String what = "step '" + step.description() + "' on Tomcat " + (tomcatVersion == null ? "(version unknown)"
                : tomcatVersion) + ": " + cause;
        if (TURNED_OFF.compareAndSet(null, what)) {
            LOG.log(System.Logger.Level.WARNING, "websocket: the Tomcat channel takeover failed at " + what
                    + "; it is turned off for the rest of this JVM's life and new connections use Tomcat's streams"
                    + " (set conduit.websocket.transport=container to choose that from the start)", cause);
        } else {
            LOG.log(System.Logger.Level.DEBUG, "websocket: the Tomcat channel takeover failed again at " + what, cause);
        }
    }

    /**
     * A takeover found Tomcat's poller late (a busy machine) and left its connection with Tomcat's
     * streams; the takeover stays on. Counted ({@link #lateTakeovers()}); the first such connection
     * in the JVM logs one WARN, later ones DEBUG.
     */
    void takeoverLate(String tomcatVersion, Throwable cause) {
        lateTakeovers.increment();
        String what = "websocket: " + cause.getMessage() + " (Tomcat " + tomcatVersion + "); the connection uses"
                + " Tomcat's streams and the takeover stays on for the next ones";
        if (LATE_WARNED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, what + " (later ones log at DEBUG)");
        } else {
            LOG.log(System.Logger.Level.DEBUG, what);
        }
    }

    /** @return the connections of this transport that a late Tomcat poller left on Tomcat's streams */
    public long lateTakeovers() {
        return lateTakeovers.sum();
    }

    /** @return why the takeover was turned off for this JVM, or null */
    public static String turnedOff() {
        return TURNED_OFF.get();
    }

    /** Turns the takeover back on (tests only: a failure turns it off for the JVM's life). */
    static void resetTurnedOffForTests() {
        TURNED_OFF.set(null);
    }

    /** @return a read loop for a new taken connection (round robin), starting the loops on first use */
    ReadLoop nextReadLoop() {
        ReadLoop[] all;
        synchronized (this) {
            ensureOpen();
            if (loops == null) {
                loops = ReadLoop.start(readLoops());
            }
            all = loops;
        }
        return all[Math.floorMod(nextLoop.getAndIncrement(), all.length)];
    }

    /** @return the watch that waits for Tomcat's poller during takeovers */
    synchronized TomcatPollerWatch pollerWatch() {
        ensureOpen();
        if (pollerWatch == null) {
            pollerWatch = TomcatPollerWatch.start();
        }
        return pollerWatch;
    }

    /** @return the deadline watchdog of containers without socket timeouts */
    synchronized DeadlineWatchdog deadlines() {
        ensureOpen();
        if (deadlines == null) {
            deadlines = new DeadlineWatchdog();
        }
        return deadlines;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the server transport is closed");
        }
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return closed;
    }

    /** Stops the threads started here (see {@link ServerTransport#close()}). */
    @Override
    public void close() {
        ReadLoop[] stopLoops;
        TomcatPollerWatch stopWatch;
        DeadlineWatchdog stopDeadlines;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopLoops = loops;
            stopWatch = pollerWatch;
            stopDeadlines = deadlines;
        }
        if (stopWatch != null) {
            stopWatch.close();
        }
        if (stopDeadlines != null) {
            stopDeadlines.close();
        }
        if (stopLoops != null) {
            for (ReadLoop loop : stopLoops) {
                loop.close();
            }
        }
    }
}
