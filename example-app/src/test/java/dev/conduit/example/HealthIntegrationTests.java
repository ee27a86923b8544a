package dev.conduit.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The example app on a machine without Redis: with the hub's Redis relay off (the default), Redis is
 * no part of {@code /actuator/health}. Port 1 stands for a Redis that is not there (connection refused).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=1",
                "management.endpoint.health.show-details=always"})
class HealthIntegrationTests {

    @Value("${local.server.port}")
    int port;

    @Test
    void healthIsUpWithoutRedisWhileTheRelayIsOff() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\":\"UP\"");
        // The starter's own component: accepting, with its connections against the limit.
        JsonNode components = new ObjectMapper().readTree(response.body()).path("components");
        assertThat(components.path("websockets").path("status").asText()).isEqualTo("UP");
        assertThat(components.path("websockets").path("details").path("maxConnections").asInt()).isEqualTo(2000);
        assertThat(components.has("redis")).isFalse();
    }
}
