package dev.conduit.websocket.spring.connections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.spring.actuate.ConduitWebSocketEndpointAutoConfiguration;
import dev.conduit.websocket.spring.actuate.WebSocketConnectionsEndpoint;
import dev.conduit.websocket.spring.actuate.WebSocketConnectionsEndpointProperties;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import dev.conduit.websocket.spring.autoconfigure.ConduitWebSocketAutoConfiguration;
import dev.conduit.websocket.spring.endpoint.ConnectionRegistry;
import dev.conduit.websocket.spring.hub.HubAutoConfiguration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

class ConnectionsAutoConfigurationTests {
    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConduitWebSocketAutoConfiguration.class, HubAutoConfiguration.class,
                    ConnectionsAutoConfiguration.class, ConduitWebSocketEndpointAutoConfiguration.class))
            .withBean(Endpoint.class);

    @Test
    void registersTheConnectionsBeanWithItsProperties() {
        runner.withPropertyValues("conduit.websocket.connections.send-queue-capacity=7",
                "conduit.websocket.connections.send-queue-bytes=2MB", "conduit.websocket.connections.send-timeout=3s")
                .run(context -> {
                    assertThat(context).hasSingleBean(WebSocketConnections.class);
                    ConnectionsProperties properties = context.getBean(ConnectionsProperties.class);
                    assertThat(properties.getSendQueueCapacity()).isEqualTo(7);
                    assertThat(properties.getSendQueueBytes().toMegabytes()).isEqualTo(2);
                    assertThat(properties.getSendTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(context.getBean(WebSocketConnections.class).list()).isEmpty();
                });
    }

    @Test
    void bindsItsMetersWhenMicrometerIsPresent() {
        runner.run(context -> {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            context.getBean(ConnectionsMeterBinder.class).bindTo(registry);
            assertThat(registry.get("websocket.connections.sent").functionCounter().count()).isZero();
            assertThat(registry.get("websocket.connections.dropped").functionCounter().count()).isZero();
            assertThat(registry.get("websocket.connections.relay.rejected").functionCounter().count()).isZero();
        });
        runner.withClassLoader(new FilteredClassLoader("io.micrometer."))
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(WebSocketConnections.class)
                        .doesNotHaveBean(ConnectionsMeterBinder.class));
    }

    @Test
    void worksWithoutTheHubAndStaysOutWithoutTheStarter() {
        runner.withPropertyValues("conduit.websocket.hub.enabled=false")
                .run(context -> assertThat(context).hasSingleBean(WebSocketConnections.class));
        runner.withPropertyValues("conduit.websocket.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(WebSocketConnections.class));
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ConduitWebSocketAutoConfiguration.class,
                        ConnectionsAutoConfiguration.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(WebSocketConnections.class));
    }

    @Test
    void backsOffForTheApplicationsOwnBean() {
        runner.withBean("own", WebSocketConnections.class, () -> new WebSocketConnections(
                        new ConnectionRegistry(1, Duration.ofSeconds(1)), dev.conduit.websocket.json.JacksonJsonCodec.shared(), null,
                        1, 1, Duration.ofSeconds(1), Duration.ofSeconds(1), Executors.newSingleThreadExecutor()))
                .run(context -> assertThat(context).hasSingleBean(WebSocketConnections.class).hasBean("own"));
    }

    @Test
    void theActuatorEndpointIsNotExposedByDefaultAndMasksByDefault() {
        runner.run(context -> assertThat(context).doesNotHaveBean(WebSocketConnectionsEndpoint.class));
        runner.withPropertyValues("management.endpoints.web.exposure.include=websocketconnections").run(context -> {
            assertThat(context).hasSingleBean(WebSocketConnectionsEndpoint.class);
            assertThat(context.getBean(WebSocketConnectionsEndpointProperties.class).getShowValues()).isEqualTo(Show.NEVER);
        });
        runner.withPropertyValues("management.endpoints.web.exposure.include=websocketconnections",
                        "management.endpoint.websocketconnections.show-values=when-authorized",
                        "management.endpoint.websocketconnections.roles=ADMIN")
                .run(context -> {
                    WebSocketConnectionsEndpointProperties properties = context.getBean(WebSocketConnectionsEndpointProperties.class);
                    assertThat(properties.getShowValues()).isEqualTo(Show.WHEN_AUTHORIZED);
                    assertThat(properties.getRoles()).containsExactly("ADMIN");
                });
        runner.withPropertyValues("management.endpoints.web.exposure.include=websocketconnections",
                        "management.endpoint.websocketconnections.access=NONE")
                .run(context -> assertThat(context).doesNotHaveBean(WebSocketConnectionsEndpoint.class));
        runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
                .withPropertyValues("management.endpoints.web.exposure.include=websocketconnections")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(WebSocketConnections.class)
                        .doesNotHaveBean(WebSocketConnectionsEndpoint.class));
    }

    @Test
    void itsPropertiesAreInTheConfigurationMetadata() throws Exception {
        try (java.io.InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).contains(
                    "conduit.websocket.connections.send-queue-capacity", "conduit.websocket.connections.send-queue-bytes",
                    "conduit.websocket.connections.send-timeout", "conduit.websocket.connections.sender-threads",
                    "management.endpoint.websocketconnections.show-values", "management.endpoint.websocketconnections.roles");
        }
    }

    /** One endpoint, so that the starter serves. */
    public static class Endpoint {
        @WebSocketEndpoint("/e")
        public void e(Conn conn) {
        }
    }
}
