package dev.conduit.example;

import static org.assertj.core.api.Assertions.assertThat;

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
        properties = {"server.address=127.0.0.1", "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=1"})
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
    }
}
