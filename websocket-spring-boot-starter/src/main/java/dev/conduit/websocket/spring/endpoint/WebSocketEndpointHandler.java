package dev.conduit.websocket.spring.endpoint;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.HandshakeException;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.server.Upgrader;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one {@code @WebSocketEndpoint}: refuses with 503 beyond the connection limit, snapshots
 * the handshake, lets the {@link Upgrader} answer the request, then runs the handler method on the
 * connection's thread and closes the connection when the method ends (1000) or throws (1011).
 */
public final class WebSocketEndpointHandler {
    private static final Logger log = LoggerFactory.getLogger(WebSocketEndpointHandler.class);

    private final String path;
    private final EndpointMethod method;
    private final Upgrader upgrader;
    private final ConnectionRegistry registry;
    private final long readLimit;
    private final Duration closeTimeout;

    /**
     * @param path the endpoint's path pattern
     * @param method the handler method
     * @param upgrader answers the handshake
     * @param registry counts and tracks connections
     * @param readLimit the read limit set on each connection, 0 for none
     * @param closeTimeout how long closing waits for the peer's close reply
     */
    public WebSocketEndpointHandler(String path, EndpointMethod method, Upgrader upgrader, ConnectionRegistry registry,
            long readLimit, Duration closeTimeout) {
        this.path = path;
        this.method = method;
        this.upgrader = upgrader;
        this.registry = registry;
        this.readLimit = readLimit;
        this.closeTimeout = closeTimeout;
    }

    /** @return the path pattern */
    public String path() {
        return path;
    }

    /** @return the handler method */
    public EndpointMethod method() {
        return method;
    }

    /**
     * Handles one upgrade request.
     *
     * @param request the request
     * @param response the response
     * @param pathVariables the variables the path captured
     * @throws IOException if the response cannot be written
     */
    public void handle(HttpServletRequest request, HttpServletResponse response, Map<String, String> pathVariables)
            throws IOException {
        ConnectionRegistry.Reservation reservation = registry.tryReserve();
        if (reservation == null) {
            refuseUnavailable(response);
            return;
        }
        HandshakeInfo info = HandshakeInfo.of(request, pathVariables);
        try {
            upgrader.upgrade(request, response, null, conn -> run(reservation, conn, info));
        } catch (HandshakeException e) {
            registry.cancel(reservation);
            log.debug("WebSocket handshake on {} refused with {}: {}", request.getRequestURI(), e.status(), e.getMessage());
        } catch (IOException | RuntimeException | Error e) {
            registry.cancel(reservation);
            throw e;
        }
    }

    private void refuseUnavailable(HttpServletResponse response) throws IOException {
        String reason = registry.accepting()
                ? "websocket: too many connections (conduit.websocket.max-connections=" + registry.maxConnections() + ")"
                : "websocket: server shutting down";
        log.debug("WebSocket upgrade on {} refused with 503: {}", path, reason);
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader("Retry-After", "1");
        response.setContentType("text/plain;charset=UTF-8");
        byte[] body = reason.getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private void run(ConnectionRegistry.Reservation reservation, Conn conn, HandshakeInfo info) {
        try {
            if (!registry.opened(reservation, conn)) {
                close(conn, WebSocket.CLOSE_GOING_AWAY, "server shutting down");
                return;
            }
            if (readLimit > 0) {
                conn.setReadLimit(readLimit);
            }
            try {
                method.invoke(conn, info);
                close(conn, WebSocket.CLOSE_NORMAL_CLOSURE, "");
            } catch (IOException e) {
                // The connection ended or failed (peer close, EOF, deadline, read limit): no application error.
                log.debug("WebSocket handler {} ended: {}", method, e.toString());
                close(conn, WebSocket.CLOSE_INTERNAL_SERVER_ERR, "");
            } catch (Throwable e) {
                log.warn("WebSocket handler {} failed; closing the connection with 1011", method, e);
                close(conn, WebSocket.CLOSE_INTERNAL_SERVER_ERR, "internal server error");
                if (e instanceof VirtualMachineError error) {
                    throw error;
                }
            }
        } finally {
            registry.closed(conn);
        }
    }

    // Closing handshake; a no-op when a close was already sent or the transport is gone.
    private void close(Conn conn, int code, String reason) {
        try {
            conn.close(code, reason, closeTimeout);
        } catch (Exception e) {
            log.debug("Closing the WebSocket connection failed: {}", e.toString());
        }
    }
}
