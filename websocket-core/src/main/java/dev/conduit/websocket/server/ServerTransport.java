package dev.conduit.websocket.server;

import dev.conduit.websocket.server.internal.TransportRuntime;

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
 *   <li>A takeover that finds Tomcat's poller late (a machine too busy to run it within 10 s)
 *       leaves its connection on the container's streams and stays on; the first such connection
 *       logs one WARN and {@link Status#lateTakeovers()} counts them.</li>
 * </ul>
 */
public final class ServerTransport implements AutoCloseable {
    /** The Tomcat versions the takeover is verified on, as CI tests them. */
    public static final String VERIFIED_TOMCAT = "10.1.48 and later 10.1 patches, 11.0.22 to 11.0.29";

    private final TransportRuntime runtime;

    private ServerTransport(Transport mode, int readLoops) {
        this.runtime = new TransportRuntime(mode, readLoops);
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
        return runtime.mode();
    }

    /** @return the number of read loops the takeover starts */
    public int readLoops() {
        return runtime.readLoops();
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
     * @param lateTakeovers connections of this transport whose takeover found Tomcat's poller late
     *                      (a busy machine) and that use the container's streams instead; the
     *                      takeover stays on for the next ones
     */
    public record Status(Transport configured, Transport inUse, String tomcatVersion, String reason, String turnedOff,
                         long lateTakeovers) {
    }

    /** @return what this transport does now */
    public Status status() {
        String version = TransportRuntime.tomcatVersion();
        String reason = runtime.containerReason(version);
        return new Status(runtime.mode(), reason == null ? Transport.TAKEOVER : Transport.CONTAINER, version, reason,
                TransportRuntime.turnedOff(), runtime.lateTakeovers());
    }

    /**
     * Logs, once per transport, what a start-up should tell: why {@link Transport#AUTO} does not
     * take over on an unverified Tomcat (INFO), and the Tomcat levers that cannot be reached with
     * the features they degrade (WARN). Called by the starter at start-up, otherwise by the first
     * upgrade.
     */
    public void announce() {
        runtime.announce();
    }

    /** @return what serves this transport's connections, for the upgrade handler */
    TransportRuntime runtime() {
        return runtime;
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return runtime.isClosed();
    }

    /**
     * Stops the threads this transport started and waits briefly for them to end. Connections
     * still on the read loops are closed (their handlers' reads fail); close them properly first
     * (close 1001), as the starter does on shutdown. Later connections use the container's streams.
     */
    @Override
    public void close() {
        runtime.close();
    }

    @Override
    public String toString() {
        return "ServerTransport[" + runtime.mode() + (runtime.isClosed() ? ", closed" : "") + "]";
    }
}
