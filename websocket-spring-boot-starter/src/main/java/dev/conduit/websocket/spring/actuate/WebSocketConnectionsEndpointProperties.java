package dev.conduit.websocket.spring.actuate;

import java.util.HashSet;
import java.util.Set;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the {@code websocketconnections} Actuator endpoint, as Boot's own endpoints that show
 * personal data ({@code env}, {@code configprops}) have them.
 */
@ConfigurationProperties(prefix = "management.endpoint.websocketconnections")
public class WebSocketConnectionsEndpointProperties {
    /**
     * When to show principal names, remote addresses and attribute values unmasked: never,
     * when-authorized (an authenticated user with one of the roles) or always.
     */
    private Show showValues = Show.NEVER;

    /** Roles allowed to see the values unmasked with when-authorized; empty, any authenticated user. */
    private final Set<String> roles = new HashSet<>();

    public Show getShowValues() {
        return showValues;
    }

    public void setShowValues(Show showValues) {
        this.showValues = showValues;
    }

    public Set<String> getRoles() {
        return roles;
    }
}
