package dev.conduit.websocket.spring.observation;

import dev.conduit.websocket.spring.autoconfigure.ConduitWebSocketAutoConfiguration;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * The {@code websocket.server.connection} observation, when the application has an
 * {@link ObservationRegistry} (Actuator's observation support on Boot 3.5,
 * {@code spring-boot-micrometer-observation} on 4.0; ordered after both by name). Off with
 * {@code conduit.websocket.observations.enabled=false}.
 */
@AutoConfiguration(after = ConduitWebSocketAutoConfiguration.class, afterName = {
        "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"})
@ConditionalOnClass(name = {"io.micrometer.observation.ObservationRegistry", "dev.conduit.websocket.server.Upgrader"})
@ConditionalOnBean(ObservationRegistry.class)
@ConditionalOnProperty(prefix = "conduit.websocket.observations", name = "enabled", matchIfMissing = true)
public class ConduitWebSocketObservationAutoConfiguration {

    /**
     * @param registry the observation registry
     * @param convention the application's convention, if any
     * @return the connection observation, started around each handler
     */
    @Bean
    @ConditionalOnMissingBean
    public ConnectionObservationPropagator conduitWebSocketConnectionObservation(ObservationRegistry registry,
            ObjectProvider<WebSocketConnectionObservationConvention> convention) {
        return new ConnectionObservationPropagator(registry, convention.getIfUnique());
    }
}
