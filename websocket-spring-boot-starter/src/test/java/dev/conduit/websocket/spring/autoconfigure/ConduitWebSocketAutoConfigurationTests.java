package dev.conduit.websocket.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.JsonCodec;
import dev.conduit.websocket.json.JacksonJsonCodec;
import dev.conduit.websocket.server.Upgrader;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import dev.conduit.websocket.spring.endpoint.ConnectionRegistry;
import dev.conduit.websocket.spring.endpoint.WebSocketEndpointHandlerMapping;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockServletContext;
import org.springframework.web.context.ConfigurableWebApplicationContext;
import org.springframework.util.unit.DataSize;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.servlet.HandlerExecutionChain;

@ExtendWith(OutputCaptureExtension.class)
class ConduitWebSocketAutoConfigurationTests {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConduitWebSocketAutoConfiguration.class));

    @Test
    void registersEveryBeanInAServletWebApplication() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(Upgrader.class);
            assertThat(context).hasSingleBean(JsonCodec.class);
            assertThat(context).hasSingleBean(ConnectionRegistry.class);
            assertThat(context).hasSingleBean(WebSocketEndpointHandlerMapping.class);
            assertThat(context).hasSingleBean(ServletContainerCheck.class);
            assertThat(context).hasSingleBean(ConduitWebSocketProperties.class);
            assertThat(context).hasSingleBean(ConnectionLimits.class);
            assertThat(context.getBean(WebSocketEndpointHandlerMapping.class).paths()).isEmpty();
        });
    }

    @Test
    void staysOutOfNonWebApplications() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ConduitWebSocketAutoConfiguration.class))
                .run(context -> assertThat(context).doesNotHaveBean(Upgrader.class));
    }

    @Test
    void canBeSwitchedOff() {
        runner.withPropertyValues("conduit.websocket.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(Upgrader.class)
                        .doesNotHaveBean(WebSocketEndpointHandlerMapping.class));
    }

    @Test
    void backsOffForTheApplicationsOwnBeans() {
        runner.withUserConfiguration(OwnBeans.class).run(context -> {
            assertThat(context).hasSingleBean(Upgrader.class);
            assertThat(context.getBean(Upgrader.class)).isSameAs(OwnBeans.UPGRADER);
            assertThat(context.getBean(JsonCodec.class)).isSameAs(OwnBeans.CODEC);
            assertThat(context.getBean(ConnectionRegistry.class)).isSameAs(OwnBeans.REGISTRY);
        });
    }

    @Test
    void appliesUpgraderCustomizers() {
        runner.withBean(UpgraderCustomizer.class, () -> builder -> builder.subprotocols(List.of("custom")))
                .run(context -> assertThat(context.getBean(Upgrader.class).subprotocols()).containsExactly("custom"));
    }

    @Test
    void bindsProperties() {
        runner.withPropertyValues(
                "conduit.websocket.read-buffer-size=8KB",
                "conduit.websocket.write-buffer-size=16KB",
                "conduit.websocket.max-message-size=2MB",
                "conduit.websocket.handshake-timeout=3s",
                "conduit.websocket.allowed-origins=https://a.example,https://*.b.example",
                "conduit.websocket.subprotocols=v2,v1",
                "conduit.websocket.max-connections=42",
                "conduit.websocket.shutdown-timeout=7s",
                "conduit.websocket.close-timeout=2s").run(context -> {
            ConduitWebSocketProperties p = context.getBean(ConduitWebSocketProperties.class);
            assertThat(p.getReadBufferSize()).isEqualTo(DataSize.ofKilobytes(8));
            assertThat(p.getWriteBufferSize()).isEqualTo(DataSize.ofKilobytes(16));
            assertThat(p.getMaxMessageSize()).isEqualTo(DataSize.ofMegabytes(2));
            assertThat(p.getHandshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(p.getAllowedOrigins()).containsExactly("https://a.example", "https://*.b.example");
            assertThat(p.getSubprotocols()).containsExactly("v2", "v1");
            assertThat(p.getCloseTimeout()).isEqualTo(Duration.ofSeconds(2));
            Upgrader upgrader = context.getBean(Upgrader.class);
            assertThat(upgrader.subprotocols()).containsExactly("v2", "v1");
            assertThat(upgrader.allowedOriginPatterns()).containsExactly("https://a.example", "https://*.b.example");
            ConnectionRegistry registry = context.getBean(ConnectionRegistry.class);
            assertThat(registry.maxConnections()).isEqualTo(42);
            assertThat(registry.shutdownTimeout()).isEqualTo(Duration.ofSeconds(7));
        });
    }

    @Test
    void defaults() {
        runner.run(context -> {
            ConduitWebSocketProperties p = context.getBean(ConduitWebSocketProperties.class);
            assertThat(p.getMaxMessageSize()).isEqualTo(DataSize.ofMegabytes(1));
            assertThat(p.getReadBufferSize()).isEqualTo(DataSize.ofBytes(4096));
            assertThat(p.getShutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(p.getAllowedOrigins()).isEmpty();
            assertThat(p.getMaxConnections()).isNull();
        });
    }

    @Test
    void aNegativeMessageLimitIsAStartUpError() {
        runner.withPropertyValues("conduit.websocket.max-message-size=-1").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("conduit.websocket.max-message-size must be 0 (no limit) or positive");
        });
    }

    @Test
    void aZeroControlTimeoutIsAStartUpErrorAndAPositiveOneReachesTheUpgrader() {
        runner.withPropertyValues("conduit.websocket.control-timeout=0s")
                .run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("conduit.websocket.control-timeout=250ms")
                .run(context -> assertThat(context.getBean(Upgrader.class).controlTimeout()).isEqualTo(Duration.ofMillis(250)));
    }

    @Test
    void anyOriginIsAcceptedOnlyWithAWarning(CapturedOutput output) {
        runner.withPropertyValues("conduit.websocket.allowed-origins=*").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(Upgrader.class).allowedOriginPatterns()).containsExactly("*");
        });
        assertThat(output).containsOnlyOnce("conduit.websocket.allowed-origins contains \"*\"");
    }

    @Test
    void withoutAnEndpointTheContainerKeepsItsSettings() {
        runner.withPropertyValues("conduit.websocket.max-connections=300").run(context -> {
            assertThat(context.getEnvironment().getProperty("server.tomcat.threads.max")).isNull();
            assertThat(context.getEnvironment().getPropertySources().contains(ConnectionLimits.PROPERTY_SOURCE)).isFalse();
            assertThat(context.getBean(ConnectionLimits.class).describe()).doesNotContain("server.tomcat.threads.max");
        });
        runner.withPropertyValues("spring.threads.virtual.enabled=true")
                .run(context -> assertThat(context.getEnvironment().getProperty("server.tomcat.max-connections")).isNull());
    }

    @Test
    void platformThreadsRaiseTomcatsPoolToFitTheConnectionLimit() {
        runner.withUserConfiguration(Endpoints.class).withPropertyValues("conduit.websocket.max-connections=300").run(context -> {
            assertThat(context.getBean(ConnectionRegistry.class).maxConnections()).isEqualTo(300);
            assertThat(context.getEnvironment().getProperty("server.tomcat.threads.max", Integer.class)).isEqualTo(500);
        });
    }

    @Test
    void anExplicitTomcatPoolLowersTheConnectionLimit() {
        runner.withPropertyValues("conduit.websocket.max-connections=300", "server.tomcat.threads.max=100").run(context -> {
            assertThat(context.getBean(ConnectionRegistry.class).maxConnections()).isEqualTo(75);
            assertThat(context.getEnvironment().getProperty("server.tomcat.threads.max", Integer.class)).isEqualTo(100);
            assertThat(context.getBean(ConnectionLimits.class).describe()).contains("at most 75 connections");
        });
    }

    @Test
    void virtualThreadsAreUsedOnlyFromJava21() {
        runner.withPropertyValues("spring.threads.virtual.enabled=true").run(context -> {
            ConnectionLimits limits = context.getBean(ConnectionLimits.class);
            boolean java21 = Runtime.version().feature() >= 21;
            assertThat(limits.virtualThreads()).isEqualTo(java21);
            assertThat(limits.maxConnections()).isEqualTo(java21 ? 10_000 : 1_000);
            assertThat(limits.describe()).contains(java21 ? "virtual threads" : "has no effect on Java");
        });
    }

    @Test
    void findsEndpointsAndRoutesTheirPaths() {
        runner.withUserConfiguration(Endpoints.class).run(context -> {
            WebSocketEndpointHandlerMapping mapping = context.getBean(WebSocketEndpointHandlerMapping.class);
            assertThat(mapping.paths()).containsExactlyInAnyOrder("/plain", "/rooms/{room}", "/whole");
            assertThat(handler(mapping, "/rooms/42")).isInstanceOf(HttpRequestHandler.class);
            assertThat(handler(mapping, "/plain")).isInstanceOf(HttpRequestHandler.class);
            assertThat(handler(mapping, "/whole")).isInstanceOf(HttpRequestHandler.class);
            assertThat(handler(mapping, "/other")).isNull();
            assertThat(handler(mapping, "/rooms")).isNull();
        });
    }

    @Test
    void twoEndpointsOnOnePathFailStartUp() {
        runner.withUserConfiguration(Endpoints.class, Duplicate.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(mostSpecificCause(context.getStartupFailure()))
                    .hasMessageContaining("Two @WebSocketEndpoint handlers are mapped to the path '/rooms/{")
                    .hasMessageContaining("Endpoints$Handlers#room")
                    .hasMessageContaining("Duplicate$Handler#same");
        });
    }

    @Test
    void aPathVariableThePathDoesNotHaveFailsStartUp() {
        runner.withUserConfiguration(WrongVariable.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(mostSpecificCause(context.getStartupFailure()))
                    .hasMessageContaining("@PathVariable 'name' is not a variable of the endpoint's path");
        });
    }

    @Test
    void aHandlerWithoutConnFailsStartUp() {
        runner.withUserConfiguration(NoConn.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(mostSpecificCause(context.getStartupFailure()))
                    .hasMessageContaining("must have exactly one parameter of type dev.conduit.websocket.Conn");
        });
    }

    @Test
    void anAnnotatedClassNeedsExactlyOneHandlerMethod() {
        runner.withUserConfiguration(TwoHandlers.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(mostSpecificCause(context.getStartupFailure()))
                    .hasMessageContaining("must have exactly one public method with a Conn parameter");
        });
    }

    @Test
    void refusesToStartWhenJettyWouldServe() {
        runner.withClassLoader(new FilteredClassLoader("org.apache.catalina", "io.undertow")).run(context -> {
            assertThat(context).hasFailed();
            assertThat(mostSpecificCause(context.getStartupFailure()))
                    .hasMessageContaining("cannot run on Jetty")
                    .hasMessageContaining("Use Tomcat");
        });
    }

    @Test
    void refusesToStartOnAJettyServletContext() {
        MockServletContext jetty = new MockServletContext() {
            @Override
            public String getServerInfo() {
                return "jetty/12.1.12";
            }
        };
        runner.withInitializer(context -> ((ConfigurableWebApplicationContext) context).setServletContext(jetty))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(mostSpecificCause(context.getStartupFailure()))
                            .hasMessageContaining("cannot run on Jetty")
                            .hasMessageContaining("running on jetty/12.1.12");
                });
    }

    @Test
    void generatesConfigurationMetadata() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            String json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(json).contains("conduit.websocket.max-message-size", "conduit.websocket.shutdown-timeout",
                    "conduit.websocket.max-connections", "conduit.websocket.allowed-origins");
        }
    }

    private static Throwable mostSpecificCause(Throwable failure) {
        return org.springframework.core.NestedExceptionUtils.getMostSpecificCause(failure);
    }

    private static Object handler(WebSocketEndpointHandlerMapping mapping, String path) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        HandlerExecutionChain chain = mapping.getHandler(request);
        return chain == null ? null : chain.getHandler();
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {
        static final Upgrader UPGRADER = Upgrader.builder().build();
        static final JsonCodec CODEC = new JacksonJsonCodec(new com.fasterxml.jackson.databind.ObjectMapper());
        static final ConnectionRegistry REGISTRY = new ConnectionRegistry(5, Duration.ofSeconds(1));

        @Bean
        Upgrader myUpgrader() {
            return UPGRADER;
        }

        @Bean
        JsonCodec myCodec() {
            return CODEC;
        }

        @Bean
        ConnectionRegistry myRegistry() {
            return REGISTRY;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Endpoints {
        @Bean
        Endpoints.Handlers handlers() {
            return new Handlers();
        }

        @Bean
        Whole whole() {
            return new Whole();
        }

        static class Handlers {
            @WebSocketEndpoint("/plain")
            public void plain(Conn conn) {
            }

            @WebSocketEndpoint(path = "/rooms/{room}", subprotocols = "chat")
            public void room(Conn conn, @PathVariable String room, @PathVariable Map<String, String> all,
                    java.security.Principal principal) {
            }
        }
    }

    @WebSocketEndpoint("/whole")
    static class Whole {
        public void handle(Conn conn, dev.conduit.websocket.spring.endpoint.HandshakeInfo info) {
        }

        public String unrelated() {
            return "";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Duplicate {
        @Bean
        Duplicate.Handler duplicateHandler() {
            return new Handler();
        }

        static class Handler {
            @WebSocketEndpoint("/rooms/{other}")
            public void same(Conn conn) {
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class WrongVariable {
        @Bean
        Object wrongVariableHandler() {
            return new Object() {
                @WebSocketEndpoint("/users/{id}")
                public void handle(Conn conn, @PathVariable("name") String name) {
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class NoConn {
        @Bean
        Object noConnHandler() {
            return new Object() {
                @WebSocketEndpoint("/none")
                public void handle(java.security.Principal principal) {
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoHandlers {
        @Bean
        Two two() {
            return new Two();
        }

        @WebSocketEndpoint("/two")
        static class Two {
            public void one(Conn conn) {
            }

            public void other(Conn conn) {
            }
        }
    }

}
