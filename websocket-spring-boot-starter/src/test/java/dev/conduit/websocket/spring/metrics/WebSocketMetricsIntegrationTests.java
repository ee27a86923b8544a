package dev.conduit.websocket.spring.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conduit.websocket.BadHandshakeException;
import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.client.Dialer;
import dev.conduit.websocket.server.ServerTransport;
import dev.conduit.websocket.spring.endpoint.ConnectionRegistry;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.RequiredSearch;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Real conversations with a running Tomcat move every {@code websocket.server.*} meter by exactly
 * the right amount; the client side is measured with {@link WebSocketMeters#client} on our Dialer.
 * Each test talks to its own endpoint, so it owns the meters of its {@code uri} tag.
 */
class WebSocketMetricsIntegrationTests {
    private static final String S = "websocket.server.";
    private static final String C = "websocket.client.";
    private static ConfigurableApplicationContext app;
    private static int port;
    private static MeterRegistry registry;
    private static WebSocketMeters clientMeters;

    @BeforeAll
    static void start() {
        app = new SpringApplicationBuilder(MetricsTestApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "conduit.websocket.max-connections=2", "management.endpoints.web.exposure.include=websockets")
                .run();
        port = app.getEnvironment().getProperty("local.server.port", Integer.class);
        registry = app.getBean(MeterRegistry.class);
        clientMeters = WebSocketMeters.client(registry);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aConversationMovesEachMeterByExactlyItsMessagesBytesPingsAndClose() throws Exception {
        String uri = "/m/echo/{room}";
        Conn conn = dialer(uri).dial(url("/m/echo/42"));
        for (String text : List.of("hello", "0123456789", "01234567890123456789")) {
            conn.writeMessage(WebSocket.TEXT_MESSAGE, text.getBytes(StandardCharsets.UTF_8));
            assertThat(new String(conn.readMessage().data(), StandardCharsets.UTF_8)).isEqualTo(text);
        }
        for (int size : new int[] {100, 1000}) {
            byte[] data = new byte[size];
            Arrays.fill(data, (byte) 7);
            conn.writeMessage(WebSocket.BINARY_MESSAGE, data);
            assertThat(conn.readMessage().data()).isEqualTo(data);
        }
        Instant deadline = Instant.now().plusSeconds(5);
        conn.writeControl(WebSocket.PING_MESSAGE, "c1".getBytes(StandardCharsets.UTF_8), deadline);
        conn.writeControl(WebSocket.PING_MESSAGE, "c2".getBytes(StandardCharsets.UTF_8), deadline);
        conn.writeMessage(WebSocket.TEXT_MESSAGE, "ping".getBytes(StandardCharsets.UTF_8)); // the server pings us
        conn.writeMessage(WebSocket.TEXT_MESSAGE, "x".getBytes(StandardCharsets.UTF_8));
        // Reading the echo of "x" handles the two pongs and the server's ping (answered with a pong) before it.
        assertThat(new String(conn.readMessage().data(), StandardCharsets.UTF_8)).isEqualTo("x");
        conn.close(4001, "done", Duration.ofSeconds(5));
        awaitEnded(S, uri, 1);
        awaitEnded(C, uri, 1);

        // Server: 5 texts in (5+10+20+4+1 bytes), 4 echoed; 2 binaries each way.
        assertSummary(S + "messages.received", uri, "text", 5, 40);
        assertSummary(S + "messages.sent", uri, "text", 4, 36);
        assertSummary(S + "messages.received", uri, "binary", 2, 1100);
        assertSummary(S + "messages.sent", uri, "binary", 2, 1100);
        assertCount(S + "pings", 2, "uri", uri, "direction", "received");
        assertCount(S + "pongs", 2, "uri", uri, "direction", "sent");
        assertCount(S + "pings", 1, "uri", uri, "direction", "sent");
        assertCount(S + "pongs", 1, "uri", uri, "direction", "received");
        assertCount(S + "upgrades", 1, "uri", uri, "outcome", "success", "status", "101");
        assertCloses(S, uri, "4xxx", "remote");
        assertNoErrors(S, uri);
        assertThat(registry.get(S + "connections.active").tag("uri", uri).gauge().value()).isZero();

        // Client: the mirror image.
        assertSummary(C + "messages.sent", uri, "text", 5, 40);
        assertSummary(C + "messages.received", uri, "text", 4, 36);
        assertSummary(C + "messages.sent", uri, "binary", 2, 1100);
        assertSummary(C + "messages.received", uri, "binary", 2, 1100);
        assertCount(C + "pings", 2, "uri", uri, "direction", "sent");
        assertCount(C + "pongs", 2, "uri", uri, "direction", "received");
        assertCount(C + "pings", 1, "uri", uri, "direction", "received");
        assertCount(C + "pongs", 1, "uri", uri, "direction", "sent");
        assertCount(C + "upgrades", 1, "uri", uri, "outcome", "success", "status", "101");
        assertCloses(C, uri, "4xxx", "local");
        assertNoErrors(C, uri);

        // The raw path never becomes a tag value.
        assertThat(registry.getMeters()).extracting(m -> m.getId().getTag("uri")).doesNotContain("/m/echo/42");
    }

    @Test
    void anActiveConnectionShowsInTheGaugeUntilItEnds() throws Exception {
        String uri = "/m/local";
        Conn conn = dialer(uri).dial(url(uri));
        await().untilAsserted(() -> assertThat(registry.get(S + "connections.active").tag("uri", uri).gauge().value()).isEqualTo(1));
        assertThat(registry.get(C + "connections.active").tag("uri", uri).gauge().value()).isEqualTo(1);
        conn.writeMessage(WebSocket.TEXT_MESSAGE, "bye".getBytes(StandardCharsets.UTF_8)); // the handler returns: close 1000
        assertThatThrownBy(conn::readMessage).isInstanceOfSatisfying(CloseException.class, e -> assertThat(e.code()).isEqualTo(1000));
        conn.close();
        awaitEnded(S, uri, 1);
        awaitEnded(C, uri, 1);
        assertCloses(S, uri, "1000", "local");
        assertCloses(C, uri, "1000", "remote");
        assertThat(registry.get(S + "connections.active").tag("uri", uri).gauge().value()).isZero();
        assertThat(registry.get(S + "connection.duration").tag("uri", uri).timer().totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
        assertNoErrors(S, uri);
    }

    @Test
    void aTcpDropIsAnAbnormalClose1006() throws Exception {
        String uri = "/m/drop";
        Conn conn = dialer(uri).dial(url(uri));
        conn.writeMessage(WebSocket.TEXT_MESSAGE, "a".getBytes(StandardCharsets.UTF_8));
        conn.readMessage();
        conn.close(); // no close message: the TCP connection just ends
        awaitEnded(S, uri, 1);
        assertCloses(S, uri, "1006", "abnormal");
        assertCount(S + "errors", 1, "uri", uri, "kind", "io");
        assertErrors(S, uri, "io");
        assertCloses(C, uri, "1006", "abnormal");
    }

    @Test
    void aProtocolErrorIsCountedAndClosedWith1002() throws Exception {
        String uri = "/m/protocol";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + uri + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 101");
            // An unmasked frame from a client breaks RFC 6455 §5.1.
            out.write(new byte[] {(byte) 0x81, 0x02, 'h', 'i'});
            out.flush();
            DataInputStream data = new DataInputStream(in);
            assertThat(data.readUnsignedByte()).isEqualTo(0x88);
            int length = data.readUnsignedByte();
            assertThat(length).isGreaterThanOrEqualTo(2);
            assertThat(data.readUnsignedShort()).isEqualTo(1002);
        }
        awaitEnded(S, uri, 1);
        assertCloses(S, uri, "1002", "local");
        assertErrors(S, uri, "protocol");
    }

    @Test
    void aMessageOverTheReadLimitIsCountedAsMessageTooBig() throws Exception {
        String uri = "/m/limited";
        Conn conn = dialer(uri).dial(url(uri));
        conn.writeMessage(WebSocket.BINARY_MESSAGE, new byte[17]);
        assertThatThrownBy(conn::readMessage).isInstanceOfSatisfying(CloseException.class, e -> assertThat(e.code()).isEqualTo(1009));
        conn.close();
        awaitEnded(S, uri, 1);
        assertCloses(S, uri, "1009", "local");
        assertErrors(S, uri, "message_too_big");
        assertThat(registry.get(S + "messages.received").tag("uri", uri).tag("type", "binary").summary().count()).isZero();
    }

    @Test
    void aHandlerExceptionIsCountedAndClosedWith1011() throws Exception {
        String uri = "/m/fail";
        Conn conn = dialer(uri).dial(url(uri));
        conn.writeMessage(WebSocket.TEXT_MESSAGE, "go".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(conn::readMessage).isInstanceOfSatisfying(CloseException.class, e -> assertThat(e.code()).isEqualTo(1011));
        conn.close();
        awaitEnded(S, uri, 1);
        assertCloses(S, uri, "1011", "local");
        assertErrors(S, uri, "handler");
    }

    @Test
    void aForeignOriginIsARefusedUpgradeWith403OnBothSides() throws Exception {
        String uri = "/m/partner";
        assertThatThrownBy(() -> dialer(uri).dial(url(uri), Map.of("Origin", List.of("https://evil.example"))))
                .isInstanceOfSatisfying(BadHandshakeException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertCount(S + "upgrades", 1, "uri", uri, "outcome", "refused", "status", "403");
        assertCount(S + "upgrades", 0, "uri", uri, "outcome", "success", "status", "101");
        assertCount(C + "upgrades", 1, "uri", uri, "outcome", "refused", "status", "403");
        assertThat(registry.get(S + "connection.duration").tag("uri", uri).timer().count()).isZero();
    }

    @Test
    void anUpgradeBeyondTheConnectionLimitIsARefusedUpgradeWith503() throws Exception {
        String uri = "/m/full";
        ConnectionRegistry connections = app.getBean(ConnectionRegistry.class);
        await().until(() -> connections.count() == 0);
        List<Conn> open = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Conn c = dialer(uri).dial(url(uri));
                c.writeMessage(WebSocket.TEXT_MESSAGE, "hi".getBytes(StandardCharsets.UTF_8));
                c.readMessage();
                open.add(c);
            }
            assertThatThrownBy(() -> dialer(uri).dial(url(uri)))
                    .isInstanceOfSatisfying(BadHandshakeException.class, e -> assertThat(e.status()).isEqualTo(503));
        } finally {
            for (Conn c : open) {
                c.close(1000, "", Duration.ofSeconds(5));
            }
        }
        awaitEnded(S, uri, 2);
        assertCount(S + "upgrades", 2, "uri", uri, "outcome", "success", "status", "101");
        assertCount(S + "upgrades", 1, "uri", uri, "outcome", "refused", "status", "503");
        assertCount(C + "upgrades", 1, "uri", uri, "outcome", "refused", "status", "503");
        assertCloses(S, uri, "1000", "remote", 2);
    }

    @Test
    void theActuatorEndpointListsEveryEndpointWithItsLiveCountAndTotals() throws Exception {
        String uri = "/m/listed";
        Conn conn = dialer(uri).dial(url(uri));
        conn.writeMessage(WebSocket.TEXT_MESSAGE, "one".getBytes(StandardCharsets.UTF_8));
        conn.readMessage();
        await().untilAsserted(() -> assertThat(endpoint(websockets(), uri).get("activeConnections").asLong()).isEqualTo(1));
        JsonNode body = websockets();
        assertThat(body.get("maxConnections").asInt()).isEqualTo(2);
        // CI's takeover-off pass sets conduit.websocket.transport=container as a system property.
        String configured = System.getProperty("conduit.websocket.transport", "auto");
        assertThat(body.get("transport").get("configured").asText()).isEqualTo(configured);
        assertThat(body.get("transport").get("inUse").asText()).as("Boot's Tomcat is verified")
                .isEqualTo(configured.equals("container") ? "container" : "takeover");
        assertThat(body.get("transport").get("turnedOff").asBoolean()).isFalse();
        JsonNode listed = endpoint(body, uri);
        assertThat(listed.get("subprotocols")).extracting(JsonNode::asText).containsExactly("chat.v1");
        assertThat(listed.get("allowedOrigins")).extracting(JsonNode::asText).containsExactly("https://*.example.org");
        assertThat(listed.get("totals").get("opened").asLong()).isEqualTo(1);
        assertThat(listed.get("totals").get("messagesReceived").asLong()).isEqualTo(1);
        assertThat(listed.get("totals").get("messagesSent").asLong()).isEqualTo(1);
        assertThat(listed.get("totals").get("closes").asLong()).isZero();
        List<String> paths = new ArrayList<>();
        body.get("endpoints").forEach(e -> paths.add(e.get("path").asText()));
        assertThat(paths).containsExactlyInAnyOrder("/m/echo/{room}", "/m/drop", "/m/local", "/m/protocol", "/m/limited",
                "/m/fail", "/m/partner", "/m/listed", "/m/full");

        conn.close(1000, "", Duration.ofSeconds(5));
        await().untilAsserted(() -> assertThat(endpoint(websockets(), uri).get("totals").get("closes").asLong()).isEqualTo(1));
        assertThat(endpoint(websockets(), uri).get("activeConnections").asLong()).isZero();
    }

    // ---- helpers --------------------------------------------------------------------------

    private static Dialer dialer(String uriTemplate) {
        return Dialer.builder().listener(clientMeters.listener(uriTemplate)).handshakeTimeout(Duration.ofSeconds(10)).build();
    }

    private static URI url(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    private static void awaitEnded(String prefix, String uri, long connections) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(registry.get(prefix + "connection.duration").tag("uri", uri).timer().count()).isEqualTo(connections));
    }

    private static void assertSummary(String name, String uri, String type, long count, double bytes) {
        var summary = registry.get(name).tag("uri", uri).tag("type", type).summary();
        assertThat(summary.count()).as(name + " count").isEqualTo(count);
        assertThat(summary.totalAmount()).as(name + " bytes").isEqualTo(bytes);
        assertThat(summary.getId().getBaseUnit()).isEqualTo("bytes");
    }

    private static void assertCount(String name, double expected, String... tags) {
        assertThat(registry.get(name).tags(tags).counter().count()).as(name + Arrays.toString(tags)).isEqualTo(expected);
    }

    private static void assertCloses(String prefix, String uri, String code, String initiator) {
        assertCloses(prefix, uri, code, initiator, 1);
    }

    // Exactly one closes series for the uri, with the expected tags and count.
    private static void assertCloses(String prefix, String uri, String code, String initiator, double count) {
        RequiredSearch closes = registry.get(prefix + "closes").tag("uri", uri);
        assertThat(closes.counters()).extracting(c -> c.getId().getTag("code") + "/" + c.getId().getTag("initiator") + "=" + c.count())
                .containsExactly(code + "/" + initiator + "=" + count);
    }

    private static void assertNoErrors(String prefix, String uri) {
        assertErrors(prefix, uri);
    }

    // Each listed kind counted once, every other kind zero.
    private static void assertErrors(String prefix, String uri, String... kinds) {
        List<String> counted = new ArrayList<>();
        for (Meter m : registry.get(prefix + "errors").tag("uri", uri).meters()) {
            double n = ((io.micrometer.core.instrument.Counter) m).count();
            if (n > 0) {
                counted.add(m.getId().getTag("kind") + "=" + n);
            }
        }
        assertThat(counted).containsExactlyInAnyOrder(Arrays.stream(kinds).map(k -> k + "=1.0").toArray(String[]::new));
    }

    /**
     * The transport's count of connections a late Tomcat poller left on the container's streams is a
     * meter and a field of the Actuator endpoint, both read from the transport's status (the count
     * itself is proven under load by the core's SimultaneousTakeoversTest).
     */
    @Test
    void lateTakeoversAreAMeterAndInTheEndpoint() throws Exception {
        long late = app.getBean(ServerTransport.class).status().lateTakeovers();
        assertThat(registry.get(TransportMeters.LATE_TAKEOVERS).functionCounter().count()).isEqualTo((double) late);
        assertThat(websockets().get("transport").get("lateTakeovers").asLong()).isEqualTo(late);
    }

    private static JsonNode websockets() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/websockets")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
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

    private static String readHead(InputStream in) throws Exception {
        StringBuilder s = new StringBuilder();
        while (!s.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("EOF in the handshake answer: " + s);
            }
            s.append((char) b);
        }
        return s.toString();
    }
}
