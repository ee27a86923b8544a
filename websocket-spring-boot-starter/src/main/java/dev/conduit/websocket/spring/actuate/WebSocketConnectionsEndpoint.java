package dev.conduit.websocket.spring.actuate;

import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.spring.connections.ConnectionInfo;
import dev.conduit.websocket.spring.connections.ConnectionPage;
import dev.conduit.websocket.spring.connections.WebSocketConnections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.lang.Nullable;

/**
 * The {@code websocketconnections} Actuator endpoint: this instance's open connections.
 *
 * <ul>
 *   <li>{@code GET /actuator/websocketconnections?page=0&size=20} — a page of them, oldest first
 *       ({@code size} defaults to {@value #DEFAULT_PAGE_SIZE} and is cut to
 *       {@value WebSocketConnections#MAX_PAGE_SIZE}; a negative page or a size below 1 is a 400);</li>
 *   <li>{@code GET /actuator/websocketconnections/{id}} — one, or 404;</li>
 *   <li>{@code DELETE /actuator/websocketconnections/{id}} — closes it with 1008 (policy violation)
 *       and the reason {@value #CLOSE_REASON}, or 404.</li>
 * </ul>
 *
 * <p>Like every endpoint it is served over HTTP only when exposed
 * ({@code management.endpoints.web.exposure.include}) and is protected by Spring Security like any
 * endpoint ({@code EndpointRequest.to("websocketconnections")}). Principal names, remote addresses and
 * attribute values are personal data: they are masked ({@code ******}) unless
 * {@code management.endpoint.websocketconnections.show-values} allows them (default {@code never}).
 */
@WebEndpoint(id = "websocketconnections")
public class WebSocketConnectionsEndpoint {
    /** The page size when none is given. */
    public static final int DEFAULT_PAGE_SIZE = 20;
    /** The reason of the close frame of {@code DELETE}. */
    public static final String CLOSE_REASON = "closed by an administrator";

    private static final String MASK = "******";

    private final WebSocketConnections connections;
    private final Show showValues;
    private final Set<String> roles;

    /**
     * @param connections the open connections
     * @param showValues when to show personal data unmasked
     * @param roles the roles that may see it with {@link Show#WHEN_AUTHORIZED}
     */
    public WebSocketConnectionsEndpoint(WebSocketConnections connections, Show showValues, Set<String> roles) {
        this.connections = connections;
        this.showValues = showValues;
        this.roles = Set.copyOf(roles);
    }

    /**
     * @param securityContext who asks
     * @param page the page number, from 0 (default 0)
     * @param size the page size (default {@value #DEFAULT_PAGE_SIZE})
     * @return a page of the open connections, oldest first
     */
    @ReadOperation
    public ConnectionPage connections(SecurityContext securityContext, @Nullable Integer page, @Nullable Integer size) {
        int p = page == null ? 0 : page;
        int s = size == null ? DEFAULT_PAGE_SIZE : size;
        if (p < 0 || s < 1) {
            throw new InvalidEndpointRequestException("page must be at least 0 and size at least 1",
                    "page must be at least 0 and size at least 1");
        }
        ConnectionPage result = connections.page(p, s);
        if (shown(securityContext)) {
            return result;
        }
        return new ConnectionPage(result.page(), result.size(), result.totalElements(), result.totalPages(),
                result.connections().stream().map(WebSocketConnectionsEndpoint::mask).toList());
    }

    /**
     * @param securityContext who asks
     * @param id the connection's id
     * @return the connection, or {@code null} (404)
     */
    @ReadOperation
    public ConnectionInfo connection(SecurityContext securityContext, @Selector String id) {
        boolean shown = shown(securityContext);
        return connections.find(id).map(c -> shown ? c : mask(c)).orElse(null);
    }

    /**
     * @param id the connection's id
     * @return what was done, or 404 when no connection has the id
     */
    @DeleteOperation
    public WebEndpointResponse<Map<String, Object>> close(@Selector String id) {
        if (!connections.close(id, WebSocket.CLOSE_POLICY_VIOLATION, CLOSE_REASON)) {
            return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("closeCode", WebSocket.CLOSE_POLICY_VIOLATION);
        body.put("reason", CLOSE_REASON);
        return new WebEndpointResponse<>(body, WebEndpointResponse.STATUS_OK);
    }

    private boolean shown(SecurityContext securityContext) {
        return showValues.isShown(securityContext, roles);
    }

    private static ConnectionInfo mask(ConnectionInfo c) {
        Map<String, String> attributes = new LinkedHashMap<>();
        c.attributes().keySet().forEach(name -> attributes.put(name, MASK));
        return new ConnectionInfo(c.id(), c.endpoint(), c.principal() == null ? null : MASK,
                c.remoteAddress() == null ? null : MASK, c.openedAt(), attributes);
    }
}
