package dev.conduit.websocket.spring.connections;

import static dev.conduit.websocket.spring.connections.ConnectionsTestApp.as;
import static dev.conduit.websocket.spring.connections.ConnectionsTestApp.http;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.spring.hub.Hub;
import dev.conduit.websocket.spring.testing.WsClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The connection registry on a running Tomcat behind Spring Security: the
 * {@code websocketconnections} Actuator endpoint lists, pages, finds and closes real connections
 * (masking personal data for users without the role), and {@link WebSocketConnections} sends to
 * every connection of an authenticated principal without a stuck one holding up the others.
 */
class WebSocketConnectionsIntegrationTests {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ConfigurableApplicationContext app;
    private static int port;
    private static WebSocketConnections connections;
    private final List<WsClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        app = new SpringApplicationBuilder(ConnectionsTestApp.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "management.endpoints.web.exposure.include=websocketconnections",
                        "management.endpoint.websocketconnections.show-values=when-authorized",
                        "management.endpoint.websocketconnections.roles=ADMIN",
                        "conduit.websocket.connections.send-queue-capacity=16",
                        "conduit.websocket.connections.send-timeout=2s",
                        "conduit.websocket.hub.write-timeout=1s")
                .run();
        port = app.getEnvironment().getProperty("local.server.port", Integer.class);
        connections = app.getBean(WebSocketConnections.class);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (app != null) {
            app.close();
        }
        // The watchdog (started by the tests' sends and closes) belongs to the bean and stops with the context.
        await(() -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().equals("conduit-websocket-connections-watchdog")),
                () -> "the connections watchdog thread outlived the context");
    }

    @AfterEach
    void closeClients() throws Exception {
        for (WsClient client : clients) {
            client.socket.abort();
        }
        await(() -> connections.count() == 0, () -> "connections left: " + connections.list());
    }

    private WsClient connect(String user, String pathAndQuery) throws Exception {
        WsClient client = WsClient.connect(as(user), URI.create("ws://127.0.0.1:" + port + pathAndQuery));
        clients.add(client);
        // Once the echo is back the handler runs, is registered and has set its attributes.
        client.sendText("sync");
        assertThat(client.nextText()).isEqualTo("sync");
        return client;
    }

    @Test
    void theActuatorListsPagesAndFindsTheOpenConnections() throws Exception {
        connect("alice", "/ws/chat/r1?client=web");
        connect("alice", "/ws/chat/r2?client=cli");
        connect(null, "/ws/chat/r3");

        JsonNode first = get("/actuator/websocketconnections?page=0&size=2", "admin");
        assertThat(first.get("totalElements").asInt()).isEqualTo(3);
        assertThat(first.get("totalPages").asInt()).isEqualTo(2);
        assertThat(first.get("connections")).hasSize(2);
        JsonNode second = get("/actuator/websocketconnections?page=1&size=2", "admin");
        assertThat(second.get("connections")).hasSize(1);
        Set<String> ids = new HashSet<>();
        first.get("connections").forEach(c -> ids.add(c.get("id").asText()));
        second.get("connections").forEach(c -> ids.add(c.get("id").asText()));
        assertThat(ids).hasSize(3).allSatisfy(id -> assertThat(id).matches("[A-Za-z0-9_-]{22}"));
        assertThat(get("/actuator/websocketconnections", "admin").get("connections")).hasSize(3);

        String webId = connections.findByPrincipal("alice").stream()
                .filter(c -> "web".equals(c.attributes().get("client"))).findFirst().orElseThrow().id();
        JsonNode web = get("/actuator/websocketconnections/" + webId, "admin");
        assertThat(web.get("endpoint").asText()).isEqualTo("/ws/chat/{room}");
        assertThat(web.get("principal").asText()).isEqualTo("alice");
        assertThat(web.get("remoteAddress").asText()).startsWith("127.0.0.1:");
        assertThat(web.get("attributes").get("client").asText()).isEqualTo("web");
        assertThat(Instant.parse(web.get("openedAt").asText())).isBetween(Instant.now().minusSeconds(60), Instant.now());
        assertThat(connections.findByEndpoint("/ws/chat/{room}")).hasSize(3);
        assertThat(connections.findByEndpoint("/ws/chat/r1")).isEmpty();

        // Without the role of show-values the personal data is masked; anonymous stays null.
        JsonNode masked = get("/actuator/websocketconnections/" + webId, "ops");
        assertThat(masked.get("principal").asText()).isEqualTo("******");
        assertThat(masked.get("remoteAddress").asText()).isEqualTo("******");
        assertThat(masked.get("attributes").get("client").asText()).isEqualTo("******");
        JsonNode maskedPage = get("/actuator/websocketconnections", "ops");
        maskedPage.get("connections").forEach(c -> assertThat(c.get("principal").isNull() || c.get("principal").asText().equals("******"))
                .as(c.toString()).isTrue());

        // Protected by Spring Security as any endpoint; bounded and checked input.
        assertThat(http(port, "GET", "/actuator/websocketconnections", null).statusCode()).isEqualTo(401);
        assertThat(http(port, "GET", "/actuator/websocketconnections", "alice").statusCode()).isEqualTo(403);
        assertThat(http(port, "GET", "/actuator/websocketconnections/unknown", "admin").statusCode()).isEqualTo(404);
        assertThat(get("/actuator/websocketconnections?size=100000", "admin").get("size").asInt())
                .isEqualTo(WebSocketConnections.MAX_PAGE_SIZE);
        assertThat(http(port, "GET", "/actuator/websocketconnections?page=-1", "admin").statusCode()).isEqualTo(400);
    }

    @Test
    void aDeleteThroughTheActuatorClosesTheConnectionWith1008() throws Exception {
        WsClient alice = connect("alice", "/ws/chat/kick");
        String id = connections.findByPrincipal("alice").get(0).id();
        assertThat(http(port, "DELETE", "/actuator/websocketconnections/" + id, "alice").statusCode()).isEqualTo(403);

        HttpResponse<String> deleted = http(port, "DELETE", "/actuator/websocketconnections/" + id, "ops");
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        assertThat(JSON.readTree(deleted.body()).get("closeCode").asInt()).isEqualTo(1008);
        assertThat(alice.awaitClose()).isEqualTo(1008);
        assertThat(alice.closeReason).isEqualTo("closed by an administrator");
        await(() -> connections.find(id).isEmpty(), () -> "still open: " + id);
        assertThat(http(port, "DELETE", "/actuator/websocketconnections/" + id, "ops").statusCode()).isEqualTo(404);
    }

    @Test
    void sendToPrincipalReachesEveryConnectionOfTheUserAndNoOther() throws Exception {
        WsClient phone = connect("alice", "/ws/chat/a");
        WsClient laptop = connect("alice", "/ws/chat/b");
        WsClient bob = connect("bob", "/ws/chat/a");
        WsClient anonymous = connect(null, "/ws/chat/a");
        double sentBefore = meter("websocket.connections.sent");

        assertThat(connections.sendToPrincipal("alice", "hello alice")).isEqualTo(2);
        assertThat(phone.nextText()).isEqualTo("hello alice");
        assertThat(laptop.nextText()).isEqualTo("hello alice");
        assertThat(connections.sendJsonToPrincipal("alice", Map.of("n", 1))).isEqualTo(2);
        assertThat(phone.nextText()).isEqualTo("{\"n\":1}");
        assertThat(laptop.nextText()).isEqualTo("{\"n\":1}");
        byte[] data = {1, 2, 3};
        assertThat(connections.sendToPrincipal("bob", WebSocket.BINARY_MESSAGE, data)).isEqualTo(1);
        assertThat(bob.nextBinary()).isEqualTo(data);
        assertThat(connections.sendToPrincipal("nobody", "x")).isZero();
        assertThat(meter("websocket.connections.sent") - sentBefore).isEqualTo(5.0);

        // Nothing else arrived: the next message of each is the echo of what it sends now.
        for (WsClient client : List.of(phone, laptop, bob, anonymous)) {
            client.sendText("end");
            assertThat(client.nextText()).isEqualTo("end");
        }
    }

    @Test
    void aConnectionJoinedToTheHubGetsPrincipalMessagesThroughTheHubLongAfterItsLastBroadcast() throws Exception {
        WsClient alice = connect("alice", "/ws/news");
        Hub hub = app.getBean(Hub.class);
        hub.broadcastText("news", "first");
        assertThat(alice.nextText()).isEqualTo("first");
        // The hub gave its write a deadline of now + write-timeout (1s); wait until that has passed.
        Instant expired = Instant.now().plusMillis(1500);
        await(() -> Instant.now().isAfter(expired), () -> "");
        long droppedBefore = connections.droppedConnections();

        assertThat(connections.sendToPrincipal("alice", "direct")).isEqualTo(1);
        assertThat(alice.nextText()).isEqualTo("direct");
        hub.broadcastText("news", "second");
        assertThat(alice.nextText()).isEqualTo("second");
        alice.sendText("still open");
        assertThat(alice.nextText()).isEqualTo("still open");
        assertThat(connections.droppedConnections()).isEqualTo(droppedBefore);
    }

    @Test
    void aConnectionThatDoesNotReadIsClosedAndHoldsUpNoOther() throws Exception {
        WsClient reader = connect("alice", "/ws/chat/fast");
        String readerId = connections.findByPrincipal("alice").get(0).id();
        Socket stuck = connectWithoutReading("alice", "/ws/chat/stuck");
        await(() -> connections.findByPrincipal("alice").size() == 2, () -> "alice: " + connections.findByPrincipal("alice"));
        String stuckId = connections.findByPrincipal("alice").stream().filter(c -> !c.id().equals(readerId))
                .findFirst().orElseThrow().id();
        long droppedBefore = connections.droppedConnections();
        byte[] big = new byte[64 * 1024];
        try (stuck) {
            for (int i = 0; i < 200; i++) {
                ByteBuffer.wrap(big).putInt(i);
                connections.sendToPrincipal("alice", WebSocket.BINARY_MESSAGE, big);
                // The reader takes each message; the stuck one's socket, then its queue, fill up.
                assertThat(ByteBuffer.wrap(reader.nextBinary()).getInt()).isEqualTo(i);
            }
            await(() -> connections.find(stuckId).isEmpty(), () -> "the stuck connection is still open");
        }
        assertThat(connections.droppedConnections()).isGreaterThan(droppedBefore);
        assertThat(meter("websocket.connections.dropped")).isEqualTo((double) connections.droppedConnections());
        assertThat(connections.findByPrincipal("alice")).hasSize(1);
        reader.sendText("still here");
        assertThat(reader.nextText()).isEqualTo("still here");
    }

    private static double meter(String name) {
        return app.getBean(MeterRegistry.class).get(name).functionCounter().count();
    }

    private static JsonNode get(String path, String user) throws Exception {
        HttpResponse<String> response = http(port, "GET", path, user);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** An authenticated client that completes the handshake with a tiny receive window, then does not read. */
    private static Socket connectWithoutReading(String user, String path) throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Authorization: " + ConnectionsTestApp.basic(user) + "\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("connection closed during the handshake: " + head);
            }
            head.append((char) b);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
        return socket;
    }

    static void await(BooleanSupplier condition, java.util.function.Supplier<String> state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out; " + state.get());
            }
            Thread.sleep(20);
        }
    }
}
