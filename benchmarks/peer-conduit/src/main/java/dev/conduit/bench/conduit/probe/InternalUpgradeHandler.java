package dev.conduit.bench.conduit.probe;

import dev.conduit.websocket.conn.WebSocketConn;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import org.apache.coyote.http11.upgrade.InternalHttpUpgradeHandler;
import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.SSLSupport;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * The upgraded connection as Tomcat's poller drives it: Tomcat hands over its socket wrapper,
 * {@link #init} starts the blocking handler on a thread of its own, and each readiness event
 * Tomcat dispatches ({@link #upgradeDispatch}, on a container thread) only wakes that handler,
 * which reads and writes through the wrapper itself ({@link SocketWrapperNetConn}). Read interest
 * is registered by the handler when it finds nothing to read, not by Tomcat after each dispatch
 * ({@link SocketState#ASYNC_IO}), so bytes the handler has not read yet cause no further events.
 */
public class InternalUpgradeHandler implements InternalHttpUpgradeHandler {
    /** What runs on the connection. */
    interface Handler {
        void handle(WebSocketConn conn) throws IOException;
    }

    private volatile SocketWrapperNetConn net;
    private volatile Handler handler;

    void handler(Handler handler) {
        this.handler = handler;
    }

    @Override
    public void setSocketWrapper(SocketWrapperBase<?> wrapper) {
        net = new SocketWrapperNetConn(wrapper);
    }

    @Override
    public void init(WebConnection connection) {
        SocketWrapperNetConn n = net;
        Handler h = handler;
        InternalUpgradeProbe.HANDLERS.execute(() -> {
            try (WebSocketConn conn = InternalUpgradeProbe.open(n)) {
                h.handle(conn);
            } catch (IOException | RuntimeException e) {
                // the peer left or the connection failed: close below
            } finally {
                n.closeQuietly();
            }
        });
    }

    @Override
    public SocketState upgradeDispatch(SocketEvent status) {
        SocketWrapperNetConn n = net;
        switch (status) {
            case OPEN_READ:
                n.readable();
                return SocketState.ASYNC_IO; // the handler registers read interest when it wants more
            case OPEN_WRITE:
                return SocketState.ASYNC_IO; // writes block in Tomcat's own write path
            default: // STOP, ERROR, DISCONNECT, TIMEOUT, CONNECT_FAIL
                n.failed();
                return SocketState.CLOSED;
        }
    }

    @Override
    public void timeoutAsync(long now) {
        // deadlines are the NetConn's
    }

    @Override
    public void setSslSupport(SSLSupport sslSupport) {
    }

    @Override
    public void pause() {
    }

    @Override
    public void destroy() {
        SocketWrapperNetConn n = net;
        if (n != null) {
            n.failed();
        }
    }
}
