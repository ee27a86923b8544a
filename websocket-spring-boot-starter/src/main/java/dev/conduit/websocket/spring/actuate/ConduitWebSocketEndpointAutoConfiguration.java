package dev.conduit.websocket.spring.actuate;

import dev.conduit.websocket.server.ServerTransport;
import dev.conduit.websocket.spring.connections.ConnectionsAutoConfiguration;
import dev.conduit.websocket.spring.connections.WebSocketConnections;
import dev.conduit.websocket.spring.autoconfigure.ConduitWebSocketAutoConfiguration;
import dev.conduit.websocket.spring.endpoint.ConnectionRegistry;
import dev.conduit.websocket.spring.endpoint.WebSocketEndpointHandlerMapping;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The {@code websockets} and {@code websocketconnections} Actuator endpoints, when Spring Boot Actuator is present and the endpoint
 * is available (exposed and not disabled, see {@code management.endpoints.web.exposure.include}).
 * The availability condition sits on the bean methods, behind the class-level
 * {@code @ConditionalOnClass}, so that its condition class is never loaded without Actuator.
 */
@AutoConfiguration(after = {ConduitWebSocketAutoConfiguration.class, ConnectionsAutoConfiguration.class})
@ConditionalOnClass(name = {"org.springframework.boot.actuate.endpoint.annotation.Endpoint",
        "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"})
@ConditionalOnBean(WebSocketEndpointHandlerMapping.class)
@EnableConfigurationProperties(WebSocketConnectionsEndpointProperties.class)
public class ConduitWebSocketEndpointAutoConfiguration {

    /**
     * @return per-endpoint counts, fed by a listener on every endpoint
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(endpoint = WebSocketsEndpoint.class)
    public EndpointActivityRegistry conduitWebSocketEndpointActivity() {
        return new EndpointActivityRegistry();
    }

    /**
     * @param mapping the endpoints
     * @param registry the connection registry
     * @param activity the per-endpoint counts
     * @param transport the server transport, whose status the endpoint shows
     * @return the Actuator endpoint
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(endpoint = WebSocketsEndpoint.class)
    public WebSocketsEndpoint conduitWebSocketsEndpoint(WebSocketEndpointHandlerMapping mapping, ConnectionRegistry registry,
            EndpointActivityRegistry activity, ObjectProvider<ServerTransport> transport) {
        return new WebSocketsEndpoint(mapping, registry, activity, transport.getIfUnique());
    }

    /**
     * @param connections the open connections
     * @param properties when to show personal data
     * @return the Actuator endpoint of the open connections
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(WebSocketConnections.class)
    @ConditionalOnAvailableEndpoint(endpoint = WebSocketConnectionsEndpoint.class)
    public WebSocketConnectionsEndpoint conduitWebSocketConnectionsEndpoint(WebSocketConnections connections,
            WebSocketConnectionsEndpointProperties properties) {
        return new WebSocketConnectionsEndpoint(connections, properties.getShowValues(), properties.getRoles());
    }
}
