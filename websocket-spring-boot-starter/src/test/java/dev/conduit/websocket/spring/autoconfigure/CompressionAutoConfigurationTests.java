package dev.conduit.websocket.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.server.Upgrader;
import dev.conduit.websocket.spring.annotation.Compression;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import dev.conduit.websocket.spring.endpoint.WebSocketEndpointHandler;
import dev.conduit.websocket.spring.endpoint.WebSocketEndpointHandlerMapping;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/** {@code conduit.websocket.compression.*} and the endpoint attributes reach the upgraders. */
class CompressionAutoConfigurationTests {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConduitWebSocketAutoConfiguration.class));

    @Test
    void offByDefaultWithGorillasLevelAndNoContextTakeover() {
        runner.run(context -> {
            ConduitWebSocketProperties.Compression p = context.getBean(ConduitWebSocketProperties.class).getCompression();
            assertThat(p.isEnabled()).isFalse();
            assertThat(p.getLevel()).isEqualTo(1);
            assertThat(p.getMinSize()).isEqualTo(DataSize.ofBytes(0));
            Upgrader upgrader = context.getBean(Upgrader.class);
            assertThat(upgrader.enableCompression()).isFalse();
            assertThat(upgrader.compressionLevel()).isEqualTo(1);
            assertThat(upgrader.compressionMinSize()).isZero();
            // No compressor per connection between messages; a broadcast is compressed once.
            assertThat(upgrader.compressionServerNoContextTakeover()).isTrue();
            assertThat(upgrader.compressionClientNoContextTakeover()).isTrue();
        });
    }

    @Test
    void propertiesReachTheUpgrader() {
        runner.withPropertyValues(
                "conduit.websocket.compression.enabled=true",
                "conduit.websocket.compression.level=6",
                "conduit.websocket.compression.min-size=256B",
                "conduit.websocket.compression.server-no-context-takeover=false",
                "conduit.websocket.compression.client-no-context-takeover=false").run(context -> {
            Upgrader upgrader = context.getBean(Upgrader.class);
            assertThat(upgrader.enableCompression()).isTrue();
            assertThat(upgrader.compressionLevel()).isEqualTo(6);
            assertThat(upgrader.compressionMinSize()).isEqualTo(256);
            assertThat(upgrader.compressionServerNoContextTakeover()).isFalse();
            assertThat(upgrader.compressionClientNoContextTakeover()).isFalse();
        });
    }

    @Test
    void huffmanOnlyIsTheLowestLevel() {
        runner.withPropertyValues("conduit.websocket.compression.level=-2")
                .run(context -> assertThat(context.getBean(Upgrader.class).compressionLevel()).isEqualTo(-2));
    }

    @Test
    void aLevelOutsideMinusTwoToNineFailsBindingNamingTheProperty() {
        runner.withPropertyValues("conduit.websocket.compression.level=10").run(context -> assertThat(context)
                .getFailure().rootCause().hasMessageContaining("compression level").hasMessageContaining("10"));
        runner.withPropertyValues("conduit.websocket.compression.level=-3").run(context -> assertThat(context)
                .getFailure().hasStackTraceContaining("Failed to bind properties under 'conduit.websocket.compression'")
                .hasStackTraceContaining("Unable to set value for property level")
                .rootCause().hasMessageContaining("not -3"));
    }

    @Test
    void endpointsOverrideTheGlobalSettingBothWays() {
        runner.withUserConfiguration(Endpoints.class).run(context -> {
            Map<String, Upgrader> upgraders = upgraders(context);
            // Every endpoint has its own variant of the Upgrader bean, with the bean's compression unless it sets its own.
            assertThat(upgraders.get("/inherit").compressionLevel()).isEqualTo(context.getBean(Upgrader.class).compressionLevel());
            assertThat(upgraders.get("/inherit").enableCompression()).isFalse();
            assertThat(upgraders.get("/on").enableCompression()).isTrue();
            assertThat(upgraders.get("/on").compressionLevel()).isEqualTo(1);
            assertThat(upgraders.get("/off").enableCompression()).isFalse();
            assertThat(upgraders.get("/best").enableCompression()).isTrue();
            assertThat(upgraders.get("/best").compressionLevel()).isEqualTo(9);
            assertThat(upgraders.get("/level-only").enableCompression()).isFalse();
            assertThat(upgraders.get("/level-only").compressionLevel()).isEqualTo(-2);
        });
        runner.withUserConfiguration(Endpoints.class)
                .withPropertyValues("conduit.websocket.compression.enabled=true", "conduit.websocket.compression.level=4",
                        "conduit.websocket.compression.min-size=64B",
                        "conduit.websocket.compression.server-no-context-takeover=true").run(context -> {
            Map<String, Upgrader> upgraders = upgraders(context);
            assertThat(upgraders.get("/inherit").enableCompression()).isTrue();
            assertThat(upgraders.get("/inherit").compressionLevel()).isEqualTo(4);
            assertThat(upgraders.get("/off").enableCompression()).isFalse();
            assertThat(upgraders.get("/level-only").enableCompression()).isTrue();
            // A variant keeps every global setting it does not override.
            Upgrader best = upgraders.get("/best");
            assertThat(best.compressionLevel()).isEqualTo(9);
            assertThat(best.compressionMinSize()).isEqualTo(64);
            assertThat(best.compressionServerNoContextTakeover()).isTrue();
        });
    }

    @Test
    void anEndpointLevelOutsideTheRangeFailsStartUpNamingTheMethod() {
        runner.withUserConfiguration(BadLevel.class).run(context -> assertThat(context).getFailure()
                .hasStackTraceContaining("invalid compressionLevel 10")
                .hasStackTraceContaining("handle"));
    }

    private static Map<String, Upgrader> upgraders(AssertableWebApplicationContext context) {
        assertThat(context).hasNotFailed();
        return context.getBean(WebSocketEndpointHandlerMapping.class).handlers().stream()
                .collect(Collectors.toMap(WebSocketEndpointHandler::path, WebSocketEndpointHandler::upgrader));
    }

    @Configuration(proxyBeanMethods = false)
    static class Endpoints {
        @Bean
        Handlers compressionHandlers() {
            return new Handlers();
        }

        static class Handlers {
            @WebSocketEndpoint("/inherit")
            public void inherit(Conn conn) {
            }

            @WebSocketEndpoint(path = "/on", compression = Compression.ENABLED)
            public void on(Conn conn) {
            }

            @WebSocketEndpoint(path = "/off", compression = Compression.DISABLED)
            public void off(Conn conn) {
            }

            @WebSocketEndpoint(path = "/best", compression = Compression.ENABLED, compressionLevel = 9)
            public void best(Conn conn) {
            }

            @WebSocketEndpoint(path = "/level-only", compressionLevel = -2)
            public void levelOnly(Conn conn) {
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class BadLevel {
        @Bean
        Handler badLevelHandler() {
            return new Handler();
        }

        static class Handler {
            @WebSocketEndpoint(path = "/bad", compression = Compression.ENABLED, compressionLevel = 10)
            public void handle(Conn conn) {
            }
        }
    }
}
