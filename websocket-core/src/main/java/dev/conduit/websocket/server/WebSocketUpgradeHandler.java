package dev.conduit.websocket.server;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.HandshakeException;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.WebSocketException;
import dev.conduit.websocket.conn.ConnSettings;
import dev.conduit.websocket.conn.WebSocketConn;
import dev.conduit.websocket.server.internal.ServerNetConn;
import dev.conduit.websocket.server.internal.TakeoverException;
import dev.conduit.websocket.server.internal.TransportFactory;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;

/**
 * The {@link HttpUpgradeHandler} the {@link Upgrader} asks the container for. The container
 * creates it (hence public, with a public no-argument constructor), {@link Upgrader#upgrade}
 * hands it the connection's settings, and the container calls {@link #init} after the 101 was
 * written. {@code init} runs the application's {@link ConnHandler} to its end on this container
 * thread; with the container's streams this thread is the one that reads, with the takeover a
 * read loop reads for it. When {@code init} returns, the container closes the socket.
 * <p>
 * It owns the connection's lifecycle, so that frameworks on top add to it rather than repeat it:
 * the read limit and settings are applied when the Conn opens; a handler that throws gets close
 * 1011 and is reported; every connection ends with the closing handshake, bounded by the
 * upgrader's close timeout; then the handler hears {@link ConnHandler#ended}. A connection that
 * cannot be started (its transport fails, or the handshake timeout passed before the container
 * handed it over) is closed (1011 where possible), reported to the {@link ConnListener} and to
 * {@link ConnHandler#notStarted} instead. Not for direct use.
 */
public final class WebSocketUpgradeHandler implements HttpUpgradeHandler {
    private static final System.Logger LOG = System.getLogger(WebSocketUpgradeHandler.class.getName());
    /** An unmasked close frame with code 1011 (internal error) and no reason. */
    private static final byte[] INTERNAL_ERROR_CLOSE_FRAME = {(byte) 0x88, 0x02, 0x03, (byte) 0xF3};

    private volatile Pending pending;

    /** Called by the Servlet container. */
    public WebSocketUpgradeHandler() {
    }

    void prepare(Pending pending) {
        this.pending = pending;
    }

    /**
     * Runs the connection: opens the {@link Conn}, calls the handler, and closes everything when
     * it returns or throws.
     *
     * @param connection the upgraded connection
     */
    @Override
    public void init(WebConnection connection) {
        Pending p = pending;
        pending = null;
        if (p == null) {
            // Created by the container without Upgrader.upgrade(): nothing to run.
            closeQuietly(connection);
            return;
        }
        p.transport().announce(); // once: an unverified Tomcat, or Tomcat members out of reach
        // The handshake timeout ends here, at the handover: the takeover's own wait for Tomcat's
        // poller (bounded by its own budget) is not the container's lateness.
        boolean handedOverLate = p.handoverDeadlineNanos() != 0 && System.nanoTime() - p.handoverDeadlineNanos() > 0;
        ServerNetConn netConn;
        try {
            netConn = TransportFactory.open(connection, p.localAddress(), p.remoteAddress(), p.transport().runtime());
        } catch (TakeoverException | RuntimeException e) {
            transportFailed(p, connection, e);
            return;
        }
        Conn conn = start(p, netConn, handedOverLate);
        if (conn == null) {
            netConn.handlerReturned();
            netConn.endOfHandler();
            return;
        }
        try {
            p.handler().accept(conn);
        } catch (Throwable t) {
            if (endsConnection(t)) {
                LOG.log(System.Logger.Level.TRACE, "websocket: connection handler ended with {0}", t.toString());
            } else {
                handlerFailed(p, conn, t);
            }
            if (t instanceof VirtualMachineError error) {
                throw error;
            }
        } finally {
            netConn.handlerReturned();
            closeGracefully(conn, p.closeTimeout());
            netConn.endOfHandler();
            try {
                p.handler().ended(conn);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "websocket: ConnHandler.ended threw", e);
            }
        }
    }

    /**
     * Opens the Conn for the handler, or reports why not: the handshake timeout passed before the
     * container handed the connection over, or the Conn could not be set up. Either way the
     * handler hears {@link ConnHandler#notStarted} and {@code null} is returned.
     */
    private static Conn start(Pending p, ServerNetConn netConn, boolean handedOverLate) {
        Exception failure;
        ConnListener.ErrorKind kind;
        if (handedOverLate) {
            failure = new SocketTimeoutException("websocket: the handshake timeout passed before the container"
                    + " handed over the connection");
            kind = ConnListener.ErrorKind.TIMEOUT;
        } else {
            try {
                return WebSocketConn.open(netConn, p.settings());
            } catch (RuntimeException e) {
                failure = e;
                kind = ConnListener.ErrorKind.TRANSPORT;
            }
        }
        LOG.log(System.Logger.Level.DEBUG, "websocket: the connection from " + p.remoteAddress()
                + " could not be started; closing it", failure);
        notStarted(p, kind, failure);
        return null;
    }

    /** Called by the container once the connection has ended; everything is closed by then. */
    @Override
    public void destroy() {
        pending = null;
    }

    /**
     * Whether a handler's exception is the connection ending rather than the handler failing: a
     * read loop normally ends with the Conn's exception (the peer closed or vanished, a protocol
     * error or oversized message already answered with its close code, a read or write deadline).
     * Those were reported by the Conn already; no 1011 is sent for them.
     */
    static boolean endsConnection(Throwable t) {
        return t instanceof WebSocketException && !(t instanceof HandshakeException)
                || t instanceof SocketTimeoutException;
    }

    /**
     * The connection's transport could not be set up: the connection alone is lost. The listener
     * and the handler are told (so that a place reserved for the connection is given back), the
     * peer gets close 1011 where the channel is still ours to write, and the container closes the
     * socket.
     */
    private static void transportFailed(Pending p, WebConnection connection, Exception error) {
        LOG.log(System.Logger.Level.DEBUG, "websocket: the connection from " + p.remoteAddress()
                + " could not be set up; closing it", error);
        notStarted(p, ConnListener.ErrorKind.TRANSPORT, error);
        // Told first, so that whoever sees the close also sees the error counted and the place given back.
        if (error instanceof TakeoverException te && te.channel() != null) {
            try {
                // Non-blocking and 4 bytes: the socket's empty send buffer takes them at once.
                te.channel().write(ByteBuffer.wrap(INTERNAL_ERROR_CLOSE_FRAME));
                te.channel().shutdownOutput();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.TRACE, "websocket: could not send close 1011", e);
            }
        }
        closeQuietly(connection);
    }

    // The listener and the handler hear of a connection whose handler never ran (the handler gives back its place).
    private static void notStarted(Pending p, ConnListener.ErrorKind kind, Exception error) {
        try {
            p.listener().error(kind, error);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "websocket: ConnListener.error threw", e);
        }
        try {
            p.handler().notStarted(error);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "websocket: ConnHandler.notStarted threw", e);
        }
    }

    private static void handlerFailed(Pending p, Conn conn, Throwable error) {
        LOG.log(System.Logger.Level.DEBUG, "websocket: connection handler threw; closing with 1011", error);
        if (conn != null) {
            try {
                // Best effort, bounded: the peer learns why; a broken or already closed connection just fails here.
                conn.writeControl(WebSocket.CLOSE_MESSAGE,
                        WebSocket.formatCloseMessage(WebSocket.CLOSE_INTERNAL_SERVER_ERR, ""),
                        Instant.now().plusSeconds(1));
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.TRACE, "websocket: could not send close 1011", e);
            }
        }
        try {
            p.listener().error(ConnListener.ErrorKind.HANDLER, error);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "websocket: ConnListener.error threw", e);
        }
        try {
            p.handlerErrorHandler().handlerFailed(conn, error);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "websocket: handler error callback threw", e);
        }
    }

    /**
     * Ends the connection with the closing handshake: close 1000 unless a close (an error close,
     * or the handler's own) was sent already, a bounded wait for the peer's reply, then TCP. A
     * bare socket close could reset the connection and destroy a close frame still in flight.
     */
    private static void closeGracefully(Conn conn, Duration closeTimeout) {
        try {
            conn.close(WebSocket.CLOSE_NORMAL_CLOSURE, "", closeTimeout);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.TRACE, "websocket: close failed", e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.TRACE, "websocket: close failed", e);
        }
    }

    /** What {@link Upgrader#upgrade} hands over for {@link #init}. */
    record Pending(ConnHandler handler, ConnSettings settings, ConnListener listener,
                   HandlerErrorHandler handlerErrorHandler, SocketAddress localAddress, SocketAddress remoteAddress,
                   long handoverDeadlineNanos, Duration closeTimeout, ServerTransport transport) {
    }
}
