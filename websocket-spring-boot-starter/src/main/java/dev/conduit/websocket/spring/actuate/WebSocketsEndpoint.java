package dev.conduit.websocket.spring.actuate;

import dev.conduit.websocket.server.ServerTransport;
import dev.conduit.websocket.server.Upgrader;
import dev.conduit.websocket.spring.endpoint.ConnectionRegistry;
import dev.conduit.websocket.spring.endpoint.WebSocketEndpointHandler;
import dev.conduit.websocket.spring.endpoint.WebSocketEndpointHandlerMapping;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code websockets} Actuator endpoint ({@code /actuator/websockets}): each
 * {@code @WebSocketEndpoint} with its path, subprotocols, allowed origins, live connection count
 * and totals since start, plus the application-wide count and limit and the server transport: the
 * configured {@code conduit.websocket.transport}, the one in use, and whether the takeover of
 * Tomcat's channel was turned off, and why.
 */
@Endpoint(id = "websockets")
public class WebSocketsEndpoint {
    private final WebSocketEndpointHandlerMapping mapping;
    private final ConnectionRegistry registry;
    private final EndpointActivityRegistry activity;
    private final ServerTransport transport;

    /**
     * @param mapping the endpoints
     * @param registry the application-wide connection count and limit
     * @param activity per-endpoint counts
     */
    public WebSocketsEndpoint(WebSocketEndpointHandlerMapping mapping, ConnectionRegistry registry,
            EndpointActivityRegistry activity) {
        this(mapping, registry, activity, null);
    }

    /**
     * @param mapping the endpoints
     * @param registry the application-wide connection count and limit
     * @param activity per-endpoint counts
     * @param transport the server transport, or {@code null} to take the first endpoint's
     */
    public WebSocketsEndpoint(WebSocketEndpointHandlerMapping mapping, ConnectionRegistry registry,
            EndpointActivityRegistry activity, ServerTransport transport) {
        this.mapping = mapping;
        this.registry = registry;
        this.activity = activity;
        this.transport = transport;
    }

    /** @return the endpoints and their activity */
    @ReadOperation
    public WebSocketsDescriptor websockets() {
        List<EndpointDescriptor> endpoints = mapping.handlers().stream().map(this::describe).toList();
        ServerTransport t = transport;
        if (t == null && !mapping.handlers().isEmpty()) {
            t = mapping.handlers().get(0).upgrader().serverTransport();
        }
        return new WebSocketsDescriptor(registry.count(), registry.maxConnections(), registry.accepting(),
                t == null ? null : TransportDescriptor.of(t.status()), endpoints);
    }

    private EndpointDescriptor describe(WebSocketEndpointHandler handler) {
        Upgrader upgrader = handler.upgrader();
        EndpointActivity a = activity.activity(handler.path());
        EndpointActivity.Totals totals = a == null ? new EndpointActivity.Totals(0, 0, 0, 0, 0, 0) : a.totals();
        return new EndpointDescriptor(handler.path(), upgrader.subprotocols(), upgrader.allowedOriginPatterns(),
                handler.method().toString(), a == null ? 0 : a.active(), totals);
    }

    /**
     * What the endpoint answers.
     *
     * @param activeConnections connections being upgraded or open now, over all endpoints
     * @param maxConnections the most connections open at once ({@code conduit.websocket.max-connections})
     * @param accepting whether upgrades are accepted (false while shutting down)
     * @param transport how connections are served
     * @param endpoints each endpoint, most specific path first
     */
    public record WebSocketsDescriptor(int activeConnections, int maxConnections, boolean accepting,
            TransportDescriptor transport, List<EndpointDescriptor> endpoints) {
    }

    /**
     * The server transport.
     *
     * @param configured {@code conduit.websocket.transport}: {@code auto}, {@code container} or {@code takeover}
     * @param inUse what new connections on Tomcat's plaintext NIO connector get: {@code takeover} or
     *              {@code container} (TLS and other containers always use the container's streams)
     * @param tomcatVersion Tomcat's version, or {@code null} when not on Tomcat
     * @param reason why the container's streams are used, or {@code null}
     * @param turnedOff whether a failure turned the takeover off for this JVM
     * @param turnedOffBecause the failure (step, Tomcat version, error), or {@code null}
     * @param lateTakeovers connections a late Tomcat poller (a busy machine) left on the container's
     *                      streams while the takeover stays on
     */
    public record TransportDescriptor(String configured, String inUse, String tomcatVersion, String reason,
            boolean turnedOff, String turnedOffBecause, long lateTakeovers) {
        static TransportDescriptor of(ServerTransport.Status s) {
            return new TransportDescriptor(s.configured().name().toLowerCase(Locale.ROOT),
                    s.inUse().name().toLowerCase(Locale.ROOT), s.tomcatVersion(), s.reason(), s.turnedOff() != null,
                    s.turnedOff(), s.lateTakeovers());
        }
    }

    /**
     * One {@code @WebSocketEndpoint}.
     *
     * @param path the path template
     * @param subprotocols the subprotocols it supports, in preference order
     * @param allowedOrigins origin patterns accepted besides the same origin
     * @param handler the handler method
     * @param activeConnections its connections open now
     * @param totals its totals since start
     */
    public record EndpointDescriptor(String path, List<String> subprotocols, List<String> allowedOrigins, String handler,
            long activeConnections, EndpointActivity.Totals totals) {
    }
}
