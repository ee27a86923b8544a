package dev.conduit.websocket.server;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server transport's choice ({@link Transport}) and the threads it starts: the read loops and
 * the Tomcat poller watch of the takeover, and the deadline watchdog of containers without socket
 * timeouts (Undertow). Threads start when the first connection needs them and stop on
 * {@link #close()}, which also ends the connections still on the read loops. An {@link Upgrader}
 * creates one of its own unless it is given a shared one ({@link Upgrader.Builder#serverTransport});
 * the Spring Boot starter makes one per application context and closes it with the context.
 * <p>
 * The takeover reaches into Tomcat's private state, so it is fenced:
 * <ul>
 *   <li>{@link Transport#AUTO} takes over only on the Tomcat versions CI verifies
 *       ({@value #VERIFIED_TOMCAT}); elsewhere the container's streams are used and one INFO line
 *       says so.</li>
 *   <li>A failure at any step of a takeover costs at most that connection and turns the takeover
 *       off for the rest of the JVM's life (one WARN names the Tomcat version and the step); later
 *       connections use the container's streams. {@link #status()} tells.</li>
 * </ul>
 */
public final class ServerTransport implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ServerTransport.class.getName());
    /** The Tomcat versions the takeover is verified on, as CI tests them. */
    public static final String VERIFIED_TOMCAT = "10.1.48 and later 10.1 patches, 11.0.22 to 11.0.29";
    /** Why the takeover was turned off, JVM-wide (Tomcat's classes do not change), or null. */
    private static final AtomicReference<String> TURNED_OFF = new AtomicReference<>();

    private final Transport mode;
    private final int readLoops;
    private final AtomicInteger nextLoop = new AtomicInteger();
    private final AtomicBoolean announced = new AtomicBoolean();
    // Guarded by "this"; started on first use.
    private ReadLoop[] loops;
    private TomcatPollerWatch pollerWatch;
    private DeadlineWatchdog deadlines;
    private volatile boolean closed;

    private ServerTransport(Transport mode, int readLoops) {
        this.mode = Objects.requireNonNull(mode, "mode");
        if (readLoops < 0) {
            throw new IllegalArgumentException("readLoops must be 0 (default) or more: " + readLoops);
        }
        this.readLoops = readLoops;
    }

    /**
     * @param mode how connections are served
     * @param readLoops the number of read loops of the takeover, 0 for the default (one per four
     *                  processors, at least one)
     * @return a transport; its threads start when a connection first needs them
     */
    public static ServerTransport create(Transport mode, int readLoops) {
        return new ServerTransport(mode, readLoops);
    }

    /** @return the configured choice */
    public Transport mode() {
        return mode;
    }

    /** @return the number of read loops the takeover starts */
    public int readLoops() {
        return readLoops > 0 ? readLoops : Math.max(1, Runtime.getRuntime().availableProcessors() / 4);
    }

    /**
     * What this transport does on the Tomcat found on the class path.
     *
     * @param configured the configured choice
     * @param inUse {@link Transport#TAKEOVER} or {@link Transport#CONTAINER}: what new connections
     *              on Tomcat's plaintext NIO connector get (TLS, NIO2 and other containers always
     *              use the container's streams)
     * @param tomcatVersion Tomcat's version, or {@code null} when Tomcat is not on the class path
     * @param reason why the container's streams are used, or {@code null} when the takeover is
     * @param turnedOff the failure that turned the takeover off for this JVM, or {@code null}
     */
    public record Status(Transport configured, Transport inUse, String tomcatVersion, String reason, String turnedOff) {
    }

    /** @return what this transport does now */
    public Status status() {
        String version = TomcatVersion.onClassPath();
        String reason = containerReason(version);
        return new Status(mode, reason == null ? Transport.TAKEOVER : Transport.CONTAINER, version, reason,
                TURNED_OFF.get());
    }

    /**
     * Logs, once per transport, what a start-up should tell: why {@link Transport#AUTO} does not
     * take over on an unverified Tomcat (INFO), and the Tomcat levers that cannot be reached with
     * the features they degrade (WARN). Called by the starter at start-up, otherwise by the first
     * upgrade.
     */
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
                    + " is verified on (" + VERIFIED_TOMCAT + "); connections use Tomcat's streams. Set"
                    + " conduit.websocket.transport=takeover (Upgrader.Builder.transport(Transport.TAKEOVER)) to"
                    + " take over anyway");
        }
        TomcatLeverProbe.warnMissing(tomcat, version);
    }

    /** @return why a Tomcat connection gets the container's streams, or null when it gets the takeover */
    private String containerReason(String version) {
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
            return "Tomcat " + version + " is not verified for the takeover (" + VERIFIED_TOMCAT
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

    /** @return why the takeover was turned off, or null (for tests and the starter's report) */
    static String turnedOff() {
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

    /**
     * Stops the threads this transport started and waits briefly for them to end. Connections
     * still on the read loops are closed (their handlers' reads fail); close them properly first
     * (close 1001), as the starter does on shutdown. Later connections use the container's streams.
     */
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

    @Override
    public String toString() {
        return "ServerTransport[" + mode + (closed ? ", closed" : "") + "]";
    }
}
