package dev.conduit.websocket.spring.metrics;

import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.spring.endpoint.EndpointListenerFactory;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Gives each {@code @WebSocketEndpoint} the {@code websocket.server.*} meters of
 * {@link WebSocketMeters}, tagged with the endpoint's path template. Defined by
 * {@link ConduitWebSocketMetricsAutoConfiguration}; define a bean of this type to replace it.
 */
public class EndpointMetrics implements EndpointListenerFactory {
    private final WebSocketMeters meters;

    /**
     * @param registry where the meters go
     */
    public EndpointMetrics(MeterRegistry registry) {
        this.meters = WebSocketMeters.server(registry);
    }

    @Override
    public ConnListener listenerFor(String pathTemplate) {
        return meters.listener(pathTemplate);
    }
}
