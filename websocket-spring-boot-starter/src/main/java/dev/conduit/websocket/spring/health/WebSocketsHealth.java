package dev.conduit.websocket.spring.health;

import dev.conduit.websocket.server.ServerTransport;
import dev.conduit.websocket.spring.endpoint.ConnectionRegistry;
import dev.conduit.websocket.spring.hub.HubRelay;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the {@code websockets} health contributor reports: {@code UP} while upgrades are accepted,
 * {@code OUT_OF_SERVICE} while the connections are drained at shutdown; as details, the open
 * connections against the limit, the transport in use (with the connections a late Tomcat poller
 * left on the container's streams, when there are any) and, when the hub relays through Redis,
 * the relay's losses and backlog. A full server stays {@code UP}: refusing beyond the limit is
 * the limit working. Redis's own reachability is Boot's {@code redis} indicator's to report.
 */
public final class WebSocketsHealth {
    private final ConnectionRegistry registry;
    private final ServerTransport transport;
    private final HubRelay relay;

    /**
     * @param registry the connection registry
     * @param transport the server transport, or {@code null}
     * @param relay the hub's relay to other instances, or {@code null} when there is none
     */
    public WebSocketsHealth(ConnectionRegistry registry, ServerTransport transport, HubRelay relay) {
        this.registry = registry;
        this.transport = transport;
        this.relay = relay;
    }

    /** @return {@code UP} or {@code OUT_OF_SERVICE} */
    public String status() {
        return registry.accepting() ? "UP" : "OUT_OF_SERVICE";
    }

    /** @return the details, in a stable order */
    public Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("accepting", registry.accepting());
        details.put("activeConnections", registry.count());
        details.put("maxConnections", registry.maxConnections());
        if (transport != null) {
            ServerTransport.Status status = transport.status();
            details.put("transport", status.inUse().name().toLowerCase(java.util.Locale.ROOT));
            if (status.turnedOff() != null) {
                details.put("takeoverTurnedOff", status.turnedOff());
            }
            if (status.lateTakeovers() > 0) {
                details.put("lateTakeovers", status.lateTakeovers());
            }
        }
        if (relay != null) {
            Map<String, Object> relayDetails = new LinkedHashMap<>();
            relayDetails.put("type", relay.getClass().getSimpleName());
            relayDetails.put("lostOnPublish", relay.lostOnPublish());
            relayDetails.put("lostOnReceive", relay.lostOnReceive());
            relayDetails.put("outboxBytes", relay.outboxBytes());
            details.put("relay", relayDetails);
        }
        return details;
    }
}
