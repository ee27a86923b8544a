package dev.conduit.websocket.server.internal;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.WebConnection;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;

/**
 * Picks the transport of an upgraded connection, one class each:
 * <ul>
 *   <li>{@link ReadLoopNetConn}: the channel taken from Tomcat's poller, where the container
 *       offers a plaintext NIO channel and the {@link TransportRuntime} wants the takeover (the
 *       configured {@code Transport}, the Tomcat version's gate, not turned off after a
 *       failure);</li>
 *   <li>{@link DirectIoNetConn}: the container's streams with direct I/O on that channel
 *       otherwise;</li>
 *   <li>{@link ContainerNetConn}: the container's streams alone where there is no such channel
 *       (TLS, NIO2, Undertow, unknown containers).</li>
 * </ul>
 * A takeover that fails before its point of no return leaves the connection with the container
 * (direct I/O); past it, the connection alone is lost ({@link TakeoverException}). Either way the
 * takeover is turned off for the JVM's life ({@link TransportRuntime#takeoverFailed}).
 */
public final class TransportFactory {
    private TransportFactory() {
    }

    /**
     * Opens the transport of an upgraded connection.
     *
     * @throws TakeoverException when the takeover failed past its point of no return: the
     *                           connection is lost (its channel is still open, for a close frame)
     * @throws IllegalStateException when the container gives the connection no streams
     */
    public static ServerNetConn open(WebConnection connection, SocketAddress local, SocketAddress remote,
                                     TransportRuntime runtime) throws TakeoverException {
        ServletInputStream in;
        ServletOutputStream out;
        try {
            in = connection.getInputStream();
            out = connection.getOutputStream();
        } catch (IOException e) {
            throw new IllegalStateException("the upgraded connection has no streams", e);
        }
        SocketLevers levers = SocketLevers.of(connection, in);
        SocketChannel direct = levers.directChannel();
        if (direct == null) {
            return new ContainerNetConn(connection, in, out, levers, local, remote, runtime);
        }
        ServerNetConn conn = null;
        if (runtime.takeoverWanted(levers.containerVersion())) {
            SocketLevers.TakenChannel taken = levers.takeChannel(runtime);
            if (taken != null) {
                conn = register(taken, connection, levers, local, remote, runtime);
            }
        }
        if (conn == null) {
            conn = new DirectIoNetConn(connection, in, out, levers, direct, local, remote, runtime);
        }
        // They serve little with direct I/O and nothing with the taken channel, and an idle
        // connection keeps them. Shrunk only now that nothing can fail before the handler's
        // finally (endOfHandler) puts them back.
        levers.shrinkBuffers(conn instanceof ReadLoopNetConn);
        return conn;
    }

    /** The takeover's last step: the taken channel joins a read loop. */
    private static ReadLoopNetConn register(SocketLevers.TakenChannel taken, WebConnection connection,
                                            SocketLevers levers, SocketAddress local, SocketAddress remote,
                                            TransportRuntime runtime) throws TakeoverException {
        try {
            TakeoverStep.REGISTER.enter();
            return new ReadLoopNetConn(taken, connection, levers, local, remote, runtime.nextReadLoop());
        } catch (IOException | RuntimeException e) {
            TransportRuntime.takeoverFailed(TakeoverStep.REGISTER, taken.containerVersion(), e);
            throw new TakeoverException(TakeoverStep.REGISTER, taken.channel(), e);
        }
    }
}
