package dev.conduit.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.websocket.spring.testing.WsClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The example app's Actuator after real traffic: {@code /actuator/prometheus} shows the
 * {@code websocket.server.*} meters with the expected values and {@code /actuator/websockets}
 * lists every endpoint with its live count. Its own application context (the extra property), so
 * the traffic of other test classes does not move these meters.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "example.pong-wait=2s", "example.ticker-period=1s",
                // Spring Boot's test support turns metrics export off unless asked; this asks, on both Boot lines.
                "management.prometheus.metrics.export.enabled=true"})
class MetricsIntegrationTests {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})? (\\S+)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Value("${local.server.port}")
    int port;

    @Test
    void prometheusShowsTheMetersOfRealTraffic() throws Exception {
        WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + port + "/echo"));
        client.sendText("Hello");
        assertThat(client.nextText()).isEqualTo("Hello");
        client.sendBinary(new byte[] {1, 2, 3});
        assertThat(client.nextBinary()).containsExactly(1, 2, 3);
        client.close();
        assertThat(client.awaitClose()).isEqualTo(1000);

        await().untilAsserted(() -> assertThat(sample(scrape(), "websocket_server_connection_duration_seconds_count",
                Map.of("uri", "/echo"))).isEqualTo(1));
        String body = scrape();
        assertThat(sample(body, "websocket_server_upgrades_total", Map.of("uri", "/echo", "outcome", "success", "status", "101"))).isEqualTo(1);
        assertThat(sample(body, "websocket_server_connections_active_connections", Map.of("uri", "/echo"))).isZero();
        assertThat(sample(body, "websocket_server_messages_received_bytes_count", Map.of("uri", "/echo", "type", "text"))).isEqualTo(1);
        assertThat(sample(body, "websocket_server_messages_received_bytes_sum", Map.of("uri", "/echo", "type", "text"))).isEqualTo(5);
        assertThat(sample(body, "websocket_server_messages_sent_bytes_sum", Map.of("uri", "/echo", "type", "binary"))).isEqualTo(3);
        assertThat(sample(body, "websocket_server_closes_total", Map.of("uri", "/echo", "code", "1000", "initiator", "remote"))).isEqualTo(1);
        assertThat(sample(body, "websocket_server_errors_total", Map.of("uri", "/echo", "kind", "protocol"))).isZero();
        assertThat(sample(body, "websocket_server_pings_total", Map.of("uri", "/keepalive", "direction", "sent"))).isZero();

        // Every series the Grafana dashboard queries exists.
        String dashboard = Files.readString(Path.of("..", "docs", "grafana-conduit-websocket.json"));
        Set<String> queried = new TreeSet<>();
        Matcher names = Pattern.compile("websocket_[a-z_]+").matcher(dashboard);
        while (names.find()) {
            queried.add(names.group());
        }
        assertThat(queried).hasSizeGreaterThan(8);
        Set<String> exposed = new TreeSet<>();
        body.lines().map(SAMPLE::matcher).filter(Matcher::find).forEach(m -> exposed.add(m.group(1)));
        assertThat(exposed).containsAll(queried);
    }

    @Test
    void theWebsocketsEndpointListsEveryEndpointWithItsLiveCount() throws Exception {
        WsClient chat = WsClient.connect(URI.create("ws://127.0.0.1:" + port + "/chat"));
        try {
            await().untilAsserted(() -> assertThat(endpoint(websockets(), "/chat").get("activeConnections").asLong()).isEqualTo(1));
            JsonNode body = websockets();
            List<String> paths = new ArrayList<>();
            body.get("endpoints").forEach(e -> paths.add(e.get("path").asText()));
            assertThat(paths).containsExactlyInAnyOrder("/echo", "/chat", "/json", "/keepalive", "/stream", "/ticker", "/secure/echo");
            assertThat(endpoint(body, "/chat").get("totals").get("opened").asLong()).isEqualTo(1);
            assertThat(endpoint(body, "/ticker").get("activeConnections").asLong()).isZero();
            assertThat(body.get("maxConnections").asInt()).isEqualTo(2000);
        } finally {
            chat.close();
        }
        await().untilAsserted(() -> assertThat(endpoint(websockets(), "/chat").get("activeConnections").asLong()).isZero());
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private JsonNode websockets() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/websockets")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }

    private static JsonNode endpoint(JsonNode body, String path) {
        for (JsonNode e : body.get("endpoints")) {
            if (e.get("path").asText().equals(path)) {
                return e;
            }
        }
        throw new AssertionError("no endpoint " + path + " in " + body);
    }

    /** @return the value of the one sample of {@code name} whose labels include {@code labels} */
    private static double sample(String exposition, String name, Map<String, String> labels) {
        List<Double> values = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!m.find() || !m.group(1).equals(name)) {
                continue;
            }
            String labelText = m.group(3) == null ? "" : m.group(3);
            boolean all = labels.entrySet().stream()
                    .allMatch(l -> labelText.contains(l.getKey() + "=\"" + l.getValue() + "\""));
            if (all) {
                values.add(Double.parseDouble(m.group(4)));
            }
        }
        assertThat(values).as(name + labels + " in\n" + exposition.lines()
                .filter(l -> l.startsWith("websocket_")).reduce("", (a, b) -> a + b + "\n")).hasSize(1);
        return values.get(0);
    }
}
