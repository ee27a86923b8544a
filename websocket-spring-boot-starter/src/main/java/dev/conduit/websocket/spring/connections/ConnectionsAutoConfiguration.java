package dev.conduit.websocket.spring.connections;

import dev.conduit.websocket.JsonCodec;
import dev.conduit.websocket.spring.autoconfigure.ConduitWebSocketAutoConfiguration;
import dev.conduit.websocket.spring.autoconfigure.ConduitWebSocketProperties;
import dev.conduit.websocket.spring.endpoint.ConnectionRegistry;
import dev.conduit.websocket.spring.hub.Hub;
import dev.conduit.websocket.spring.hub.HubAutoConfiguration;
import dev.conduit.websocket.spring.hub.SenderExecutors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The {@link WebSocketConnections} bean, wherever the starter serves endpoints (there is a
 * {@link ConnectionRegistry}); it relays principal messages through the {@link Hub} when the hub
 * has a relay. Backs off when the application defines its own.
 */
@AutoConfiguration(after = {ConduitWebSocketAutoConfiguration.class, HubAutoConfiguration.class})
@ConditionalOnBean(ConnectionRegistry.class)
@EnableConfigurationProperties(ConnectionsProperties.class)
public class ConnectionsAutoConfiguration {

    /**
     * @param registry the open connections
     * @param json the application's JSON codec
     * @param hub the hub, if any
     * @param properties the sending settings
     * @param webSocket for {@code conduit.websocket.close-timeout}
     * @param environment for {@code spring.threads.virtual.enabled}
     * @return the connections bean
     */
    @Bean(destroyMethod = "shutdown")
    @ConditionalOnMissingBean
    public WebSocketConnections conduitWebSocketConnections(ConnectionRegistry registry, JsonCodec json,
            ObjectProvider<Hub> hub, ConnectionsProperties properties, ConduitWebSocketProperties webSocket,
            Environment environment) {
        boolean virtual = environment.getProperty("spring.threads.virtual.enabled", Boolean.class, false);
        return new WebSocketConnections(registry, json, hub.getIfUnique(), properties.getSendQueueCapacity(),
                properties.getSendQueueBytes().toBytes(), properties.getSendTimeout(), webSocket.getCloseTimeout(),
                SenderExecutors.create(virtual, properties.getSenderThreads()));
    }

    /** Micrometer meters for the bean; Actuator binds every MeterBinder bean to its registries. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static class ConnectionsMetricsConfiguration {

        /**
         * @param connections the connections bean
         * @return the binder of its meters
         */
        @Bean
        @ConditionalOnMissingBean
        ConnectionsMeterBinder conduitWebSocketConnectionsMeterBinder(WebSocketConnections connections) {
            return new ConnectionsMeterBinder(connections);
        }
    }
}
