package dev.conduit.websocket.spring.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.client.Dialer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An upgrade is one {@code http.server.requests} observation, tagged like any Spring MVC request
 * with the endpoint's path template, not {@code UNKNOWN}.
 */
class HttpServerRequestsIntegrationTests {
    private static ConfigurableApplicationContext app;
    private static int port;
    private static MeterRegistry registry;

    @BeforeAll
    static void start() {
        app = new SpringApplicationBuilder(MetricsTestApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
                .run();
        port = app.getEnvironment().getProperty("local.server.port", Integer.class);
        registry = app.getBean(MeterRegistry.class);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void anUpgradeIsTaggedWithItsEndpointsPathTemplate() throws Exception {
        Conn conn = Dialer.defaultDialer().dial(URI.create("ws://127.0.0.1:" + port + "/m/echo/42"));
        conn.writeMessage(WebSocket.TEXT_MESSAGE, "hi".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(conn.readMessage().data(), StandardCharsets.UTF_8)).isEqualTo("hi");
        conn.close(WebSocket.CLOSE_NORMAL_CLOSURE, "", Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Timer timer = registry.find("http.server.requests").tag("uri", "/m/echo/{room}").tag("status", "101").timer();
            assertThat(timer).isNotNull();
            assertThat(timer.count()).isEqualTo(1);
        });
        assertThat(registry.find("http.server.requests").tag("uri", "UNKNOWN").timers()).isEmpty();
    }
}
