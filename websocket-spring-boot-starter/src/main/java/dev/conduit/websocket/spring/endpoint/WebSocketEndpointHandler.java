package dev.conduit.websocket.spring.endpoint;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.HandshakeException;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.server.ConnHandler;
import dev.conduit.websocket.server.Upgrader;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one {@code @WebSocketEndpoint}: refuses with 503 beyond the handshake and connection
 * limits, snapshots the handshake, lets the {@link Upgrader} answer the request, then runs the
 * handler method on the connection's thread with the request's context and the connection's
 * supervision. The Upgrader owns the connection's lifecycle (the read limit, close 1011 when the
 * method throws, the closing handshake); this class adds the route, the registry's place, which
 * it gives back when the Upgrader reports the connection ended or not started, and supervision.
 */
public final class WebSocketEndpointHandler {
    private static final Logger log = LoggerFactory.getLogger(WebSocketEndpointHandler.class);

    private final String path;
    private final EndpointMethod method;
    private final Upgrader upgrader;
    private final ConnectionRegistry registry;
    private volatile ConnSupervision supervision = ConnSupervision.NONE;
    private volatile HandshakeLimiter handshakes = HandshakeLimiter.UNLIMITED;
    private volatile List<HandlerContextPropagator> propagators = List.of();
    private volatile List<HandlerExceptionCloseStatus> closeStatuses = List.of();

    /**
     * @param path the endpoint's path pattern
     * @param method the handler method
     * @param upgrader answers the handshake
     * @param registry counts and tracks connections
     */
    public WebSocketEndpointHandler(String path, EndpointMethod method, Upgrader upgrader, ConnectionRegistry registry) {
        this.path = path;
        this.method = method;
        this.upgrader = upgrader;
        this.registry = registry;
    }

    /**
     * @param supervision the idle timeout and keep-alive for this endpoint's connections
     */
    public void setSupervision(ConnSupervision supervision) {
        this.supervision = supervision == null ? ConnSupervision.NONE : supervision;
    }

    /**
     * @param limiter the bound on handshakes in progress, shared by all endpoints
     */
    public void setHandshakeLimiter(HandshakeLimiter limiter) {
        this.handshakes = limiter == null ? HandshakeLimiter.UNLIMITED : limiter;
    }

    /**
     * @param propagators carry the request's thread-bound state (security context) to the handler's thread
     */
    public void setContextPropagators(List<HandlerContextPropagator> propagators) {
        this.propagators = propagators == null ? List.of() : List.copyOf(propagators);
    }

    /**
     * @param statuses map exceptions of the handler method that answer the client (access denied) to
     *                 their close status instead of 1011
     */
    public void setExceptionCloseStatuses(List<HandlerExceptionCloseStatus> statuses) {
        this.closeStatuses = statuses == null ? List.of() : List.copyOf(statuses);
    }

    /** @return the path pattern */
    public String path() {
        return path;
    }

    /** @return the upgrader that answers this endpoint's handshakes (its subprotocols, origins and listener) */
    public Upgrader upgrader() {
        return upgrader;
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
        HandshakeLimiter limiter = handshakes;
        if (!limiter.tryAcquire()) {
            log.debug("WebSocket upgrade on {} refused with 503: more than {} handshakes in progress", path, limiter.max());
            String reason = "websocket: too many handshakes in progress (conduit.websocket.max-concurrent-handshakes="
                    + limiter.max() + ")";
            upgrader.listener().handshakeFailed(HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    new HandshakeException(HttpServletResponse.SC_SERVICE_UNAVAILABLE, reason));
            refuse503(response, reason);
            return;
        }
        try {
            handleWithinLimit(request, response, pathVariables);
        } finally {
            limiter.release();
        }
    }

    private void handleWithinLimit(HttpServletRequest request, HttpServletResponse response,
            Map<String, String> pathVariables) throws IOException {
        // The snapshot comes first: a request it cannot read is refused before any place is reserved.
        HandshakeInfo info;
        try {
            info = HandshakeInfo.of(request, pathVariables);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // A malformed URI or query (Tomcat 11 reports bad parameters as IllegalStateException).
            refuseBadRequest(response, e);
            return;
        }
        List<HandlerContextPropagator.Snapshot> snapshots = capture(request);
        ConnectionRegistry.Reservation reservation = registry.tryReserve();
        if (reservation == null) {
            refuseUnavailable(response);
            return;
        }
        try {
            upgrader.upgrade(request, response, null, new Upgraded(reservation, info, snapshots));
        } catch (HandshakeException e) {
            // Already answered, counted and logged (once, at DEBUG) by the Upgrader.
            registry.cancel(reservation);
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
        upgrader.listener().handshakeFailed(HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                new HandshakeException(HttpServletResponse.SC_SERVICE_UNAVAILABLE, reason));
        refuse503(response, reason);
    }

    private void refuseBadRequest(HttpServletResponse response, RuntimeException e) throws IOException {
        String reason = "websocket: malformed request URI";
        log.debug("WebSocket upgrade on {} refused with 400: {}", path, e.toString());
        HandshakeException refused = new HandshakeException(HttpServletResponse.SC_BAD_REQUEST, reason);
        refused.initCause(e);
        upgrader.listener().handshakeFailed(HttpServletResponse.SC_BAD_REQUEST, refused);
        refuse(response, HttpServletResponse.SC_BAD_REQUEST, reason);
    }

    private static void refuse503(HttpServletResponse response, String reason) throws IOException {
        response.setHeader("Retry-After", "1");
        refuse(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, reason);
    }

    private static void refuse(HttpServletResponse response, int status, String reason) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        byte[] body = reason.getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * The connection's handler for the {@link Upgrader}. It holds the handshake snapshot only until
     * the handler method's arguments are resolved: an idle connection keeps the snapshot (headers,
     * URI, query) only when its method asks for it.
     */
    private final class Upgraded implements ConnHandler {
        private final ConnectionRegistry.Reservation reservation;
        private final List<HandlerContextPropagator.Snapshot> snapshots;
        private HandshakeInfo info;

        Upgraded(ConnectionRegistry.Reservation reservation, HandshakeInfo info,
                 List<HandlerContextPropagator.Snapshot> snapshots) {
            this.reservation = reservation;
            this.info = info;
            this.snapshots = snapshots;
        }

        @Override
        public void accept(Conn conn) throws Exception {
            // No local of this frame, which lives as long as the connection, refers to the snapshot.
            Started started = start(reservation, conn, takeInfo());
            if (started != null) {
                run(conn, started, snapshots);
            }
        }

        private HandshakeInfo takeInfo() {
            HandshakeInfo taken = info;
            info = null;
            return taken;
        }

        @Override
        public void notStarted(Throwable cause) {
            registry.cancel(reservation); // the connection ended before the handler: give the place back
        }

        @Override
        public void ended(Conn conn) {
            registry.closed(conn);
        }
    }

    /**
     * A connection whose handler method is about to run: its supervisor (or null), the Conn and
     * attributes the method gets, and the handshake snapshot until the method's arguments are
     * resolved from it.
     */
    private static final class Started {
        final ConnSupervisor supervisor;
        final Conn handlerConn;
        final ConnectionAttributes attributes;
        private HandshakeInfo info;

        Started(ConnSupervisor supervisor, Conn handlerConn, ConnectionAttributes attributes, HandshakeInfo info) {
            this.supervisor = supervisor;
            this.handlerConn = handlerConn;
            this.attributes = attributes;
            this.info = info;
        }

        HandshakeInfo takeInfo() {
            HandshakeInfo taken = info;
            info = null;
            return taken;
        }
    }

    /** Registers the connection and starts its supervision. @return null when shutting down */
    private Started start(ConnectionRegistry.Reservation reservation, Conn conn, HandshakeInfo info) {
        OpenConnection registered = registry.opened(reservation, conn, path, info);
        if (registered == null) {
            // Shutting down: 1001 goes out here, the Upgrader waits for the reply when this returns.
            try {
                conn.writeControl(WebSocket.CLOSE_MESSAGE, WebSocket.formatCloseMessage(WebSocket.CLOSE_GOING_AWAY,
                        "server shutting down"), Instant.now().plus(upgrader.closeTimeout()));
            } catch (IOException e) {
                log.debug("Closing the WebSocket connection failed: {}", e.toString());
            }
            return null;
        }
        ConnSupervisor supervisor = ConnSupervisor.start(conn, supervision, upgrader.closeTimeout(), registry.supervisionThreads());
        Conn handlerConn = supervisor == null ? conn : new SupervisedConn(conn, supervisor);
        registered.handlerConn(handlerConn);
        return new Started(supervisor, handlerConn, registered.attributes(), info);
    }

    private void run(Conn conn, Started started, List<HandlerContextPropagator.Snapshot> snapshots) throws Exception {
        try {
            invoke(started, snapshots);
        } catch (Exception e) {
            HandlerExceptionCloseStatus.CloseStatus status = closeStatus(e);
            if (status == null) {
                throw e; // a handler failure: the Upgrader closes with 1011 and reports it
            }
            log.debug("WebSocket handler {} ended with {}; closing with {}", method, e.toString(), status.code());
            try {
                conn.writeControl(WebSocket.CLOSE_MESSAGE, WebSocket.formatCloseMessage(status.code(), status.reason()),
                        Instant.now().plus(upgrader.closeTimeout()));
            } catch (IOException closeFailed) {
                log.debug("Closing the WebSocket connection failed: {}", closeFailed.toString());
            }
        } finally {
            if (started.supervisor != null) {
                started.supervisor.stop();
            }
        }
    }

    private HandlerExceptionCloseStatus.CloseStatus closeStatus(Exception error) {
        for (HandlerExceptionCloseStatus candidate : closeStatuses) {
            HandlerExceptionCloseStatus.CloseStatus status = candidate.closeStatus(error);
            if (status != null) {
                return status;
            }
        }
        return null;
    }

    private List<HandlerContextPropagator.Snapshot> capture(HttpServletRequest request) {
        List<HandlerContextPropagator> current = propagators;
        if (current.isEmpty()) {
            return List.of();
        }
        List<HandlerContextPropagator.Snapshot> snapshots = new ArrayList<>(current.size());
        for (HandlerContextPropagator propagator : current) {
            snapshots.add(propagator.capture(request));
        }
        return snapshots;
    }

    // The request's state is in place for the handler method only, and undone in reverse order after it.
    private void invoke(Started started, List<HandlerContextPropagator.Snapshot> snapshots) throws Exception {
        Deque<HandlerContextPropagator.Scope> scopes = new ArrayDeque<>(snapshots.size());
        Throwable failure = null;
        try {
            for (HandlerContextPropagator.Snapshot snapshot : snapshots) {
                scopes.push(snapshot.restore());
            }
            // The arguments straight from the snapshot into the call: no local keeps the snapshot.
            method.invokeWith(method.arguments(started.handlerConn, started.takeInfo(), started.attributes));
        } catch (Throwable e) {
            failure = e;
            throw e;
        } finally {
            while (!scopes.isEmpty()) {
                try {
                    HandlerContextPropagator.Scope scope = scopes.pop();
                    scope.handlerEnded(failure);
                    scope.close();
                } catch (RuntimeException e) {
                    log.warn("Undoing the request context of WebSocket handler {} failed", method, e);
                }
            }
        }
    }
}
