package dev.conduit.websocket.server.internal;

import jakarta.servlet.http.WebConnection;

import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * What the Servlet API cannot do on an upgraded connection but a WebSocket needs: timeouts on
 * blocked reads and writes, and ending the connection from another thread so that a blocked
 * reader wakes. Container-specific implementations reach into the container:
 * {@link TomcatSocketLevers}, {@link UndertowSocketLevers}.
 */
interface SocketLevers {
    /** @return whether {@link #setReadTimeout} and {@link #setWriteTimeout} take effect */
    boolean supportsTimeouts();

    /** @return whether {@link #shutdownInput} and {@link #shutdownOutput} reach the socket */
    boolean canShutdown();

    /**
     * @param millis the longest a blocked read waits, or -1 for no limit
     */
    void setReadTimeout(long millis);

    /**
     * @param millis the longest a blocked write waits, or -1 for no limit
     */
    void setWriteTimeout(long millis);

    /**
     * A plaintext, non-blocking channel under the container's streams that may be read and
     * written directly while the container's own buffers hold nothing of the connection: one
     * system call per frame instead of a copy through the container's buffers, and no hand-off to
     * the container's poller when data is already there.
     *
     * @return the channel, or {@code null} when there is none (TLS, NIO2, unknown containers)
     */
    default SocketChannel directChannel() {
        return null;
    }

    /**
     * Takes the plaintext channel away from the container for the life of the WebSocket: removes
     * it from the container's poller (the channel stays non-blocking) and collects what the
     * container had already read past the upgrade request. From then on only {@link ReadLoopNetConn}
     * reads and writes it; the container's streams must not be used any more. The container still closes
     * the channel once the handler has returned.
     *
     * Called only when {@link TransportFactory} has decided to take over.
     *
     * @param transport serves the waits
     * @return the channel and the bytes read ahead, or {@code null} when that is not possible
     *         (nothing has changed then)
     * @throws TakeoverException when taking failed past the point of no return (the connection is lost)
     */
    default TakenChannel takeChannel(TransportRuntime transport) throws TakeoverException {
        return null;
    }

    /** @return the container's version, for the takeover's gate and log lines, or {@code null} if unknown */
    default String containerVersion() {
        return null;
    }

    /**
     * A channel taken from the container.
     *
     * @param channel the connected channel, non-blocking, its container selection key gone
     * @param early what the container had read past the upgrade request, to be returned first
     * @param containerVersion the container's version, for log lines
     */
    record TakenChannel(SocketChannel channel, byte[] early, String containerVersion) {
    }

    /**
     * Called before a blocking read (or write) that follows direct I/O on {@link #directChannel()}
     * while a timeout is set: the container measures its timeout from the last read (write) it
     * saw itself, which direct I/O does not update.
     *
     * @param read {@code true} for a read, {@code false} for a write
     */
    default void noteDirectActivity(boolean read) {
    }

    /**
     * Shrinks the container's per-connection I/O buffers while the connection is a WebSocket (with
     * direct I/O they only serve the first read after a wait and writes the socket cannot take at
     * once; with the taken channel they serve nothing), so that an idle connection holds little;
     * {@link #restoreBuffers()} gives them back their size before the container reuses them. Does
     * nothing where that is not possible.
     *
     * @param taken whether the channel was taken ({@link #takeChannel}): then the container never
     *              uses its buffers while the WebSocket runs
     */
    default void shrinkBuffers(boolean taken) {
    }

    /** Undoes {@link #shrinkBuffers()}; called on the container thread once the handler has returned. */
    default void restoreBuffers() {
    }

    /** Shuts the socket's input down from any thread: a blocked read wakes and sees EOF. */
    void shutdownInput();

    /** Shuts the socket's output down from any thread: the peer sees EOF, a blocked write fails. */
    void shutdownOutput();

    /** The fallback for containers without levers: no timeouts, no shutdown. */
    static SocketLevers none() {
        return new SocketLevers() {
            @Override
            public boolean supportsTimeouts() {
                return false;
            }

            @Override
            public boolean canShutdown() {
                return false;
            }

            @Override
            public void setReadTimeout(long millis) {
            }

            @Override
            public void setWriteTimeout(long millis) {
            }

            @Override
            public void shutdownInput() {
            }

            @Override
            public void shutdownOutput() {
            }
        };
    }

    /**
     * Finds the levers for a container's upgraded connection.
     *
     * @param connection the upgraded connection
     * @param input its input stream
     * @return the levers, {@link #none()} if the container is not known
     */
    static SocketLevers of(WebConnection connection, Object input) {
        TomcatSocketLevers tomcat = TomcatSocketLevers.of(input);
        if (tomcat != null) {
            TomcatUpgradeInfo.joinGroup(connection, tomcat.socketWrapper());
            return tomcat;
        }
        SocketLevers levers = UndertowSocketLevers.of(connection);
        return levers != null ? levers : none();
    }

    /**
     * Shuts down one half of a JDK socket channel, ignoring failures: the half may already be gone
     * (peer reset, earlier shutdown), which is the goal anyway.
     */
    static void shutdown(Object channel, boolean input, System.Logger log) {
        try {
            if (channel instanceof SocketChannel sc) {
                if (input) {
                    sc.shutdownInput();
                } else {
                    sc.shutdownOutput();
                }
            } else if (channel instanceof AsynchronousSocketChannel ac) {
                if (input) {
                    ac.shutdownInput();
                } else {
                    ac.shutdownOutput();
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            log.log(System.Logger.Level.TRACE, "websocket: socket shutdown failed", e);
        }
    }
}
