package dev.conduit.websocket.spring.hub.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.spring.connections.ConnectionsTestApp;
import dev.conduit.websocket.spring.connections.WebSocketConnections;
import dev.conduit.websocket.spring.testing.WsClient;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.spring.hub.Hub;
import dev.conduit.websocket.spring.hub.RelayRejection;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two application instances against a real redis-server, relaying with a shared secret: a message
 * sent to a principal on instance A reaches that user's connection on instance B, and a user
 * connected to both gets it once on each, in pub/sub and in streams mode (whose relay also brings
 * every instance its own messages back). Principal messages that anyone with PUBLISH rights writes
 * without the secret are refused like any envelope.
 */
class PrincipalRelayIntegrationTests {

    @ParameterizedTest
    @ValueSource(strings = {"pubsub", "streams"})
    void aPrincipalMessageReachesTheUsersConnectionsOnEveryInstanceOnce(String mode) throws Exception {
        try (RedisServer redis = RedisServer.start();
                ConfigurableApplicationContext a = start(redis, mode);
                ConfigurableApplicationContext b = start(redis, mode)) {
            WebSocketConnections sender = a.getBean(WebSocketConnections.class);
            WsClient aliceOnB = WsClient.connect(ConnectionsTestApp.as("alice"), uri(b, "/ws/chat/x"));
            WsClient bobOnB = WsClient.connect(ConnectionsTestApp.as("bob"), uri(b, "/ws/chat/x"));
            awaitRegistered(b, "alice");
            awaitRegistered(b, "bob");

            awaitRelaying(sender, aliceOnB);

            WsClient aliceOnA = WsClient.connect(ConnectionsTestApp.as("alice"), uri(a, "/ws/chat/y"));
            awaitRegistered(a, "alice");
            assertThat(sender.sendToPrincipal("alice", "from A")).isEqualTo(1);
            assertThat(aliceOnB.nextText()).isEqualTo("from A");
            assertThat(aliceOnA.nextText()).isEqualTo("from A");
            assertThat(b.getBean(WebSocketConnections.class).sendJsonToPrincipal("alice", List.of("from", "B"))).isEqualTo(1);
            assertThat(aliceOnB.nextText()).isEqualTo("[\"from\",\"B\"]");
            assertThat(aliceOnA.nextText()).isEqualTo("[\"from\",\"B\"]");

            // Each got it once and bob nothing: the next message of each is the echo of what it sends now.
            for (WsClient client : List.of(aliceOnA, aliceOnB, bobOnB)) {
                client.sendText("end");
                assertThat(client.nextText()).isEqualTo("end");
            }
            assertThat(a.getBean(WebSocketConnections.class).rejectedRelayedMessages()).isZero();
            assertThat(b.getBean(WebSocketConnections.class).rejectedRelayedMessages()).isZero();
        }
    }

    @Test
    void forgedOrUnsignedPrincipalMessagesOnTheChannelAreRefused() throws Exception {
        try (RedisServer redis = RedisServer.start();
                ConfigurableApplicationContext a = start(redis, "pubsub");
                ConfigurableApplicationContext b = start(redis, "pubsub")) {
            WsClient aliceOnB = WsClient.connect(ConnectionsTestApp.as("alice"), uri(b, "/ws/chat/x"));
            awaitRegistered(b, "alice");
            awaitRelaying(a.getBean(WebSocketConnections.class), aliceOnB);

            // What a client with PUBLISH rights but without the secret can write: unsigned, or signed with a guess.
            byte[] payload = principalMessage("alice", "injected");
            RelayEnvelope envelope = new RelayEnvelope(UUID.randomUUID(), 1, WebSocket.TEXT_MESSAGE,
                    WebSocketConnections.PRINCIPAL_TOPIC, payload);
            redis.cli(new EnvelopeCodec(16 * 1024 * 1024, null).encode(envelope), "PUBLISH", "conduit:websocket:hub");
            redis.cli(new EnvelopeCodec(16 * 1024 * 1024, "a guess".getBytes(StandardCharsets.UTF_8)).encode(envelope),
                    "PUBLISH", "conduit:websocket:hub");
            assertThat(a.getBean(WebSocketConnections.class).sendToPrincipal("alice", "genuine")).isZero();

            // Published after the forged ones on the same channel, so delivered after them had they been accepted.
            assertThat(aliceOnB.nextText()).isEqualTo("genuine");
            Hub hubB = b.getBean(Hub.class);
            assertThat(hubB.relayRejected(RelayRejection.UNSIGNED)).isEqualTo(1);
            assertThat(hubB.relayRejected(RelayRejection.BAD_SIGNATURE)).isEqualTo(1);
        }
    }

    // Until both relays listen (a pub/sub subscription or a stream read starts shortly after start-up).
    private static void awaitRelaying(WebSocketConnections sender, WsClient receiver) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Object first = null;
        while (first == null) {
            assertThat(System.nanoTime()).as("no principal message crossed to instance B").isLessThan(deadline);
            assertThat(sender.sendToPrincipal("alice", "probe")).as("alice has no connection on A").isZero();
            first = receiver.messages.poll(200, TimeUnit.MILLISECONDS);
        }
        assertThat(first).isEqualTo("probe");
        while (receiver.messages.poll(500, TimeUnit.MILLISECONDS) != null) {
            // later probes
        }
    }

    // The payload WebSocketConnections relays: version 1, origin id, name length and name, message.
    private static byte[] principalMessage(String principal, String text) {
        byte[] name = principal.getBytes(StandardCharsets.UTF_8);
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 16 + 2 + name.length + data.length).put((byte) 1).put(new byte[16])
                .putShort((short) name.length).put(name).put(data).array();
    }

    private static ConfigurableApplicationContext start(RedisServer redis, String mode) {
        return new SpringApplicationBuilder(ConnectionsTestApp.class).properties(
                "server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port(),
                "conduit.websocket.hub.redis.enabled=true", "conduit.websocket.hub.redis.mode=" + mode,
                "conduit.websocket.hub.redis.secret=principal-test-secret")
                .run();
    }

    private static URI uri(ConfigurableApplicationContext context, String path) {
        return URI.create("ws://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + path);
    }

    private static void awaitRegistered(ConfigurableApplicationContext context, String principal) throws InterruptedException {
        WebSocketConnections connections = context.getBean(WebSocketConnections.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (connections.findByPrincipal(principal).isEmpty()) {
            assertThat(System.nanoTime()).as(principal + " never registered").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
