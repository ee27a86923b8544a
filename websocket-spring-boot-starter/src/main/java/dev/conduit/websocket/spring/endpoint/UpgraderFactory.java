package dev.conduit.websocket.spring.endpoint;

import dev.conduit.websocket.server.Upgrader;
import java.util.List;

/**
 * Creates the {@link Upgrader} of an endpoint that overrides the global subprotocols or allowed
 * origins. Endpoints without overrides share the application's {@code Upgrader} bean.
 */
@FunctionalInterface
public interface UpgraderFactory {
    /**
     * @param subprotocols the endpoint's subprotocols, empty for the global ones
     * @param allowedOrigins the endpoint's allowed origin patterns, empty for the global ones
     * @return a new upgrader configured like the global one except for these two settings
     */
    Upgrader create(List<String> subprotocols, List<String> allowedOrigins);
}
