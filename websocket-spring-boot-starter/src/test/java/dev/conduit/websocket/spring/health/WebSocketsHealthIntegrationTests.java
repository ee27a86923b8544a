package dev.conduit.websocket.spring.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.client.Dialer;
import dev.conduit.websocket.spring.endpoint.ConnectionRegistry;
import dev.conduit.websocket.spring.metrics.MetricsTestApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** /actuator/health on a running server has a websockets component that follows the connections. */
class WebSocketsHealthIntegrationTests {

    @Test
    void theWebsocketsComponentShowsTheConnectionsAgainstTheLimitAndTheTransport() throws Exception {
        try (ConfigurableApplicationContext app = start("management.endpoint.health.show-details=always")) {
            int port = port(app);
            Conn conn = Dialer.defaultDialer().dial(URI.create("ws://127.0.0.1:" + port + "/m/echo/1"));
            conn.writeMessage(WebSocket.TEXT_MESSAGE, new byte[] {'x'});
            conn.readMessage(); // the handler runs: the connection is counted
            JsonNode websockets = health(port).path("components").path("websockets");
            assertThat(websockets.path("status").asText()).isEqualTo("UP");
            JsonNode details = websockets.path("details");
            assertThat(details.path("accepting").asBoolean()).isTrue();
            assertThat(details.path("activeConnections").asInt()).isEqualTo(1);
            assertThat(details.path("maxConnections").asInt()).isEqualTo(7);
            assertThat(details.path("transport").asText()).isIn("takeover", "container");
            assertThat(details.has("relay")).isFalse();
            conn.close(WebSocket.CLOSE_NORMAL_CLOSURE, "", Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(health(port).path("components").path("websockets").path("details").path("activeConnections").asInt()).isZero());
        }
    }

    @Test
    void drainingIsOutOfServiceAndTurnedOffItIsAbsent() throws Exception {
        try (ConfigurableApplicationContext app = start("management.endpoint.health.show-details=always")) {
            WebSocketsHealth health = app.getBean(WebSocketsHealth.class);
            assertThat(health.status()).isEqualTo("UP");
            app.getBean(ConnectionRegistry.class).stop(); // what a shutdown does first
            assertThat(health.status()).isEqualTo("OUT_OF_SERVICE");
            assertThat(health.details()).containsEntry("accepting", false);
        }
        try (ConfigurableApplicationContext app = start("management.endpoint.health.show-details=always",
                "management.health.websockets.enabled=false")) {
            assertThat(health(port(app)).path("components").has("websockets")).isFalse();
            assertThat(app.getBeansOfType(WebSocketsHealth.class)).isEmpty();
        }
    }

    private static ConfigurableApplicationContext start(String... properties) {
        return new SpringApplicationBuilder(MetricsTestApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "conduit.websocket.max-connections=7", "management.health.redis.enabled=false")
                .properties(properties)
                .run();
    }

    private static int port(ConfigurableApplicationContext app) {
        return app.getEnvironment().getProperty("local.server.port", Integer.class);
    }

    private static JsonNode health(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }
}
