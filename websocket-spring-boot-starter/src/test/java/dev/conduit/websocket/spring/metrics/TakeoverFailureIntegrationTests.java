package dev.conduit.websocket.spring.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.client.Dialer;
import dev.conduit.websocket.server.internal.TakeoverFaults;
import dev.conduit.websocket.spring.endpoint.ConnectionRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A takeover that fails past its point of no return costs that one connection: the client sees
 * close 1011, {@code websocket.server.errors{kind=transport}} counts it, the connection's place
 * under {@code max-connections} is given back, and the next connection is served on Tomcat's streams.
 */
class TakeoverFailureIntegrationTests {
    private ConfigurableApplicationContext app;

    @AfterEach
    void stop() {
        TakeoverFaults.reset();
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aFailedTakeoverIsCountedReleasesItsPlaceAndTheNextConnectionIsServed() throws Exception {
        TakeoverFaults.reset();
        app = new SpringApplicationBuilder(MetricsTestApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "conduit.websocket.max-connections=1", "management.endpoints.web.exposure.include=websockets")
                .run("--conduit.websocket.transport=auto"); // over CI's takeover-off pass (a system property)
        int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
        URI uri = URI.create("ws://127.0.0.1:" + port + "/m/echo/1");
        Dialer dialer = Dialer.builder().handshakeTimeout(Duration.ofSeconds(10)).build();
        TakeoverFaults.failPastPointOfNoReturn();

        Conn lost = dialer.dial(uri);
        assertThatThrownBy(lost::readMessage).isInstanceOfSatisfying(CloseException.class,
                e -> assertThat(e.code()).isEqualTo(WebSocket.CLOSE_INTERNAL_SERVER_ERR));
        lost.close();
        MeterRegistry meters = app.getBean(MeterRegistry.class);
        assertThat(meters.get("websocket.server.errors").tag("uri", "/m/echo/{room}").tag("kind", "transport")
                .counter().count()).isEqualTo(1.0);
        assertThat(app.getBean(ConnectionRegistry.class).count()).as("the place is given back").isZero();

        JsonNode transport = websockets(port).get("transport");
        assertThat(transport.get("inUse").asText()).isEqualTo("container");
        assertThat(transport.get("turnedOff").asBoolean()).isTrue();
        assertThat(transport.get("turnedOffBecause").asText()).contains("take the connection off Tomcat's poller");

        Conn next = dialer.dial(uri); // max-connections=1: refused with 503 had the place been kept
        next.writeMessage(WebSocket.TEXT_MESSAGE, "next".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(next.readMessage().data(), StandardCharsets.UTF_8)).isEqualTo("next");
        next.close();
    }

    private static JsonNode websockets(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/websockets")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }
}
