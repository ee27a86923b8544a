package dev.conduit.websocket.spring.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.spring.actuate.ConduitWebSocketEndpointAutoConfiguration;
import dev.conduit.websocket.spring.actuate.WebSocketsEndpoint;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import dev.conduit.websocket.spring.autoconfigure.ConduitWebSocketAutoConfiguration;
import dev.conduit.websocket.spring.endpoint.WebSocketEndpointHandlerMapping;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.util.ClassUtils;

class ConduitWebSocketMetricsAutoConfigurationTests {
    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConduitWebSocketAutoConfiguration.class,
                    ConduitWebSocketMetricsAutoConfiguration.class, ConduitWebSocketEndpointAutoConfiguration.class));

    @Test
    void bindsEveryEndpointToTheMeterRegistry() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).withBean(Endpoint.class).run(context -> {
            assertThat(context).hasSingleBean(EndpointMetrics.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("websocket.server.connections.active").tag("uri", "/rooms/{room}").gauge().value()).isZero();
            assertThat(registry.get("websocket.server.errors").tag("uri", "/rooms/{room}").counters())
                    .hasSize(dev.conduit.websocket.ConnListener.ErrorKind.values().length); // one per kind
        });
    }

    @Test
    void backsOffWithoutAMeterRegistry() {
        runner.withBean(Endpoint.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(EndpointMetrics.class);
        });
    }

    @Test
    void backsOffWithoutMicrometer() {
        runner.withClassLoader(new FilteredClassLoader("io.micrometer.")).withBean(Endpoint.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(EndpointMetrics.class);
        });
    }

    @Test
    void canBeSwitchedOff() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).withBean(Endpoint.class)
                .withPropertyValues("conduit.websocket.metrics.enabled=false").run(context -> {
                    assertThat(context).doesNotHaveBean(EndpointMetrics.class);
                    assertThat(context.getBean(MeterRegistry.class).find("websocket.server.connections.active").meters()).isEmpty();
                });
    }

    @Test
    void theApplicationsOwnBeanReplacesOurs() {
        EndpointMetrics own = new EndpointMetrics(new SimpleMeterRegistry());
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).withBean(EndpointMetrics.class, () -> own)
                .run(context -> assertThat(context.getBean(EndpointMetrics.class)).isSameAs(own));
    }

    @Test
    void aConnListenerBeanStillGetsEveryEventBesideTheMeters() {
        List<String> seen = new ArrayList<>();
        ConnListener mine = new ConnListener() {
            @Override
            public void messageRead(int messageType, long bytes) {
                seen.add("read " + bytes);
            }
        };
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).withBean(ConnListener.class, () -> mine)
                .withBean(Endpoint.class).run(context -> {
                    ConnListener endpointListener = context.getBean(WebSocketEndpointHandlerMapping.class).handlers().get(0)
                            .upgrader().listener();
                    endpointListener.messageRead(WebSocket.TEXT_MESSAGE, 3);
                    assertThat(seen).containsExactly("read 3");
                    assertThat(context.getBean(MeterRegistry.class).get("websocket.server.messages.received")
                            .tag("uri", "/rooms/{room}").tag("type", "text").summary().totalAmount()).isEqualTo(3);
                });
    }

    /**
     * Boot's own metrics auto-configurations, listed after ours: the {@code afterName} ordering (Boot 3.5's
     * or Boot 4.0's class names, whichever line is on the class path) must put ours after the registry.
     */
    @Test
    void ordersItselfAfterBootsCompositeMeterRegistryOnThisBootLine() {
        List<Class<?>> configs = new ArrayList<>();
        configs.add(ConduitWebSocketMetricsAutoConfiguration.class);
        configs.add(ConduitWebSocketAutoConfiguration.class);
        Stream.of("org.springframework.boot.actuate.autoconfigure.metrics.",
                        "org.springframework.boot.micrometer.metrics.autoconfigure.")
                .flatMap(p -> Stream.of(p + "CompositeMeterRegistryAutoConfiguration", p + "MetricsAutoConfiguration",
                        p + "export.simple.SimpleMetricsExportAutoConfiguration"))
                .filter(name -> ClassUtils.isPresent(name, null))
                .forEach(name -> configs.add(ClassUtils.resolveClassName(name, null)));
        assertThat(configs).as("Boot's metrics auto-configurations on the test class path").hasSize(5);
        new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(configs.toArray(Class[]::new)))
                .withBean(Endpoint.class).run(context -> {
                    assertThat(context).hasSingleBean(EndpointMetrics.class);
                    assertThat(context.getBean(MeterRegistry.class).find("websocket.server.connections.active")
                            .tag("uri", "/rooms/{room}").gauge()).isNotNull();
                });
    }

    @Test
    void theActuatorEndpointNeedsToBeExposed() {
        runner.withBean(Endpoint.class).run(context -> assertThat(context).doesNotHaveBean(WebSocketsEndpoint.class));
        runner.withBean(Endpoint.class).withPropertyValues("management.endpoints.web.exposure.include=websockets")
                .run(context -> {
                    assertThat(context).hasSingleBean(WebSocketsEndpoint.class);
                    WebSocketsEndpoint.WebSocketsDescriptor d = context.getBean(WebSocketsEndpoint.class).websockets();
                    assertThat(d.endpoints()).extracting(WebSocketsEndpoint.EndpointDescriptor::path).containsExactly("/rooms/{room}");
                });
        runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate")).withBean(Endpoint.class)
                .withPropertyValues("management.endpoints.web.exposure.include=websockets")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(WebSocketsEndpoint.class);
                });
    }

    /** An endpoint with a path variable. */
    public static class Endpoint {
        @WebSocketEndpoint("/rooms/{room}")
        public void room(Conn conn) {
        }
    }
}
