package dev.conduit.websocket.spring.actuate;

import dev.conduit.websocket.server.Upgrader;
import dev.conduit.websocket.spring.endpoint.ConnectionRegistry;
import dev.conduit.websocket.spring.endpoint.WebSocketEndpointHandler;
import dev.conduit.websocket.spring.endpoint.WebSocketEndpointHandlerMapping;
import java.util.List;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code websockets} Actuator endpoint ({@code /actuator/websockets}): each
 * {@code @WebSocketEndpoint} with its path, subprotocols, allowed origins, live connection count
 * and totals since start, plus the application-wide count and limit.
 */
@Endpoint(id = "websockets")
public class WebSocketsEndpoint {
    private final WebSocketEndpointHandlerMapping mapping;
    private final ConnectionRegistry registry;
    private final EndpointActivityRegistry activity;

    /**
     * @param mapping the endpoints
     * @param registry the application-wide connection count and limit
     * @param activity per-endpoint counts
     */
    public WebSocketsEndpoint(WebSocketEndpointHandlerMapping mapping, ConnectionRegistry registry,
            EndpointActivityRegistry activity) {
        this.mapping = mapping;
        this.registry = registry;
        this.activity = activity;
    }

    /** @return the endpoints and their activity */
    @ReadOperation
    public WebSocketsDescriptor websockets() {
        List<EndpointDescriptor> endpoints = mapping.handlers().stream().map(this::describe).toList();
        return new WebSocketsDescriptor(registry.count(), registry.maxConnections(), registry.accepting(), endpoints);
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
     * @param endpoints each endpoint, most specific path first
     */
    public record WebSocketsDescriptor(int activeConnections, int maxConnections, boolean accepting,
            List<EndpointDescriptor> endpoints) {
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
