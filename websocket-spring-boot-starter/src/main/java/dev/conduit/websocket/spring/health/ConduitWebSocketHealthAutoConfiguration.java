package dev.conduit.websocket.spring.health;

import dev.conduit.websocket.server.ServerTransport;
import dev.conduit.websocket.spring.autoconfigure.ConduitWebSocketAutoConfiguration;
import dev.conduit.websocket.spring.endpoint.ConnectionRegistry;
import dev.conduit.websocket.spring.hub.HubRelay;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The {@code websockets} health contributor, when Boot's health support is on the class path
 * (Actuator on Boot 3.5, {@code spring-boot-health} on 4.0) and it is not turned off with
 * {@code management.health.websockets.enabled=false} (or {@code management.health.defaults.enabled=false}).
 */
@AutoConfiguration(after = ConduitWebSocketAutoConfiguration.class, afterName = "dev.conduit.websocket.spring.hub.HubAutoConfiguration")
@Conditional(ConduitWebSocketHealthAutoConfiguration.HealthEnabled.class)
@ConditionalOnBean(ConnectionRegistry.class)
public class ConduitWebSocketHealthAutoConfiguration {

    /**
     * @param registry the connection registry
     * @param transport the server transport, if any
     * @param relay the hub's relay, if any
     * @return what the contributor reports
     */
    @Bean
    @ConditionalOnMissingBean
    public WebSocketsHealth conduitWebSocketsHealth(ConnectionRegistry registry, ObjectProvider<ServerTransport> transport,
            ObjectProvider<HubRelay> relay) {
        return new WebSocketsHealth(registry, transport.getIfUnique(), relay.getIfUnique());
    }

    /**
     * Named so that the contributor is {@code websockets}.
     *
     * @param health what to report
     * @return a factory of the {@code HealthIndicator} of the Boot line that runs
     */
    @Bean
    @ConditionalOnMissingBean(name = "websocketsHealthIndicator")
    HealthIndicatorFactoryBean<?> websocketsHealthIndicator(ObjectProvider<WebSocketsHealth> health) {
        return new HealthIndicatorFactoryBean<>(health::getObject, ConduitWebSocketHealthAutoConfiguration.class.getClassLoader());
    }

    /** Boot's health API present and the indicator not turned off. */
    static final class HealthEnabled implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            if (HealthIndicatorFactoryBean.packageOnClassPath(context.getClassLoader()) == null) {
                return false;
            }
            Boolean enabled = context.getEnvironment().getProperty("management.health.websockets.enabled", Boolean.class);
            if (enabled == null) {
                enabled = context.getEnvironment().getProperty("management.health.defaults.enabled", Boolean.class, true);
            }
            return enabled;
        }
    }
}
