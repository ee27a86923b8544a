package dev.conduit.websocket.spring.metrics;

import dev.conduit.websocket.server.ServerTransport;
import dev.conduit.websocket.spring.autoconfigure.ConduitWebSocketAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters ({@code websocket.server.*}, see {@link WebSocketMeters}) for every
 * {@code @WebSocketEndpoint}, and the server transport's ({@link TransportMeters}), when the
 * application has a {@link MeterRegistry} (for example from Spring Boot Actuator). Off with
 * {@code conduit.websocket.metrics.enabled=false}.
 *
 * <p>Ordered after Boot's {@code CompositeMeterRegistryAutoConfiguration}, named by string with its
 * Boot 3.5 and Boot 4.0 class names (it moved), so that the registry bean exists when
 * {@code @ConditionalOnBean} is evaluated on either line; a name missing on one line is ignored.
 */
@AutoConfiguration(after = ConduitWebSocketAutoConfiguration.class, afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(name = {"io.micrometer.core.instrument.MeterRegistry", "dev.conduit.websocket.server.Upgrader"})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = "conduit.websocket.metrics", name = "enabled", matchIfMissing = true)
public class ConduitWebSocketMetricsAutoConfiguration {

    /**
     * @param registry the application's meter registry
     * @return the per-endpoint meters
     */
    @Bean
    @ConditionalOnMissingBean
    public EndpointMetrics conduitWebSocketEndpointMetrics(MeterRegistry registry) {
        return new EndpointMetrics(registry);
    }

    /**
     * @param registry the application's meter registry
     * @param transport the server transport
     * @return the transport's meter, registered
     */
    @Bean
    @ConditionalOnBean(ServerTransport.class)
    @ConditionalOnMissingBean
    public TransportMeters conduitWebSocketTransportMeters(MeterRegistry registry, ServerTransport transport) {
        return new TransportMeters(registry, transport);
    }
}
