package dev.conduit.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.spring.testing.WsClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The example app on a random port, every endpoint driven by the JDK WebSocket client, and the
 * handshake failures through the whole stack (filters, DispatcherServlet, handler mapping, Upgrader).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "example.pong-wait=2s", "example.ticker-period=200ms"})
class ExampleApplicationIntegrationTests {
    private static final int MIB = 1024 * 1024;

    @Value("${local.server.port}")
    int port;

    private URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    private static byte[] random(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    @Test
    void echoSendsBackTextAndBinaryWithTheSameType() throws Exception {
        WsClient client = WsClient.connect(uri("/echo"));
        client.sendText("Hello");
        assertThat(client.nextText()).isEqualTo("Hello");
        client.sendBinary(new byte[] {1, 2, 3});
        assertThat(client.nextBinary()).containsExactly(1, 2, 3);
        client.close();
        assertThat(client.awaitClose()).isEqualTo(1000);
    }

    @Test
    void echoTakes16MiBMessages() throws Exception {
        WsClient client = WsClient.connect(uri("/echo"));
        byte[] big = random(16 * MIB);
        client.sendBinary(big);
        assertThat(client.nextBinary()).isEqualTo(big);
        client.close();
    }

    @Test
    void echoRefusesMessagesAboveSixteenMiB() throws Exception {
        WsClient client = WsClient.connect(uri("/echo"));
        client.socket.sendBinary(java.nio.ByteBuffer.wrap(new byte[16 * MIB + 1]), true);
        // The server sends close 1009 and closes the socket. It stops reading at the frame header,
        // so the rest of the 16 MiB is unread and the kernel may answer with a reset before the
        // client has read the close frame: then the client sees its write fail instead of 1009.
        try {
            assertThat(client.awaitClose()).isEqualTo(1009);
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(java.io.IOException.class);
        }
        assertThat(client.messages).isEmpty();
    }

    @Test
    void streamCopiesMessagesOfEveryType() throws Exception {
        WsClient client = WsClient.connect(uri("/stream"));
        client.sendText("Hello World");
        assertThat(client.nextText()).isEqualTo("Hello World");
        byte[] big = random(16 * MIB);
        client.sendBinary(big);
        assertThat(client.nextBinary()).isEqualTo(big);
        client.close();
        assertThat(client.awaitClose()).isEqualTo(1000);
    }

    @Test
    void jsonAnswersEveryRequest() throws Exception {
        WsClient client = WsClient.connect(uri("/json"));
        client.sendText("{\"action\":\"process\",\"data\":\"hello\"}");
        assertThat(client.nextText()).isEqualTo("{\"status\":\"ok\",\"result\":\"Processed: hello\"}");
        client.sendText("{\"action\":\"process\",\"data\":\"again\"}");
        assertThat(client.nextText()).isEqualTo("{\"status\":\"ok\",\"result\":\"Processed: again\"}");
        client.close();
    }

    @Test
    void chatBroadcastsToEveryConnection() throws Exception {
        WsClient alice = WsClient.connect(uri("/chat"));
        WsClient bob = WsClient.connect(uri("/chat"));
        // Registration happens in the handler after the 101; a message proves both are in.
        awaitBothJoined(alice, bob);
        alice.sendText("hi from alice");
        assertThat(alice.nextText()).isEqualTo("hi from alice");
        assertThat(bob.nextText()).isEqualTo("hi from alice");
        bob.sendText("hi from bob");
        assertThat(alice.nextText()).isEqualTo("hi from bob");
        assertThat(bob.nextText()).isEqualTo("hi from bob");
        alice.close();
        bob.close();
    }

    private static void awaitBothJoined(WsClient a, WsClient b) throws Exception {
        for (int i = 0; ; i++) {
            a.sendText("sync " + i);
            String atA = a.nextText();
            Object atB = b.messages.poll(200, TimeUnit.MILLISECONDS);
            if (atB != null) {
                // Drain the sync messages of earlier rounds.
                while (!atA.equals("sync " + i)) {
                    atA = a.nextText();
                }
                while (!("sync " + i).equals(atB)) {
                    atB = b.messages.poll(5, TimeUnit.SECONDS);
                }
                return;
            }
            if (i > 50) {
                throw new AssertionError("second chat client never received a broadcast");
            }
        }
    }

    @Test
    void keepaliveKeepsAnIdleClientThatAnswersPings() throws Exception {
        WsClient client = WsClient.connect(uri("/keepalive"));
        // Idle for more than twice example.pong-wait (2s): only the pongs the JDK client answers
        // to the server's pings move the read deadline forward.
        Thread.sleep(5000);
        assertThat(client.pings.get()).isGreaterThanOrEqualTo(1);
        assertThat(client.closeCode).isNotDone();
        client.sendText("still here");
        assertThat(client.nextText()).isEqualTo("still here");
        client.close();
    }

    @Test
    void tickerWritesWhileItsReaderReads() throws Exception {
        WsClient client = WsClient.connect(uri("/ticker"));
        assertThat(client.nextText()).isEqualTo("ping");
        client.sendText("hello ticker");
        assertThat(client.nextText()).isEqualTo("ping");
        assertThat(client.nextText()).isEqualTo("ping");
        client.close();
        assertThat(client.awaitClose()).isEqualTo(1000);
    }

    @Test
    void aThousandConcurrentConnectionsEcho() throws Exception {
        int n = 1000;
        List<CompletableFuture<WsClient>> connecting = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            WsClient client = new WsClient();
            connecting.add(WsClient.HTTP.newWebSocketBuilder().buildAsync(uri("/echo"), client)
                    .thenApply(ws -> {
                        client.socket = ws;
                        return client;
                    }));
        }
        List<WsClient> clients = new ArrayList<>();
        for (CompletableFuture<WsClient> f : connecting) {
            clients.add(f.get(60, TimeUnit.SECONDS));
        }
        for (int i = 0; i < n; i++) {
            clients.get(i).socket.sendText("message " + i, true);
        }
        for (int i = 0; i < n; i++) {
            assertThat(clients.get(i).nextText()).isEqualTo("message " + i);
        }
        for (WsClient client : clients) {
            client.socket.sendClose(1000, "");
        }
        for (WsClient client : clients) {
            assertThat(client.awaitClose()).isEqualTo(1000);
        }
    }

    @Test
    void postIsRefusedWith405() throws Exception {
        RawHttp.Response r = RawHttp.send(port, "POST", "/echo", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==");
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo("GET");
    }

    @Test
    void aPlainGetIsRefused() throws Exception {
        RawHttp.Response r = RawHttp.send(port, "GET", "/echo");
        assertThat(r.status()).isIn(400, 426);
        assertThat(r.body()).contains("websocket");
    }

    @Test
    void aMissingConnectionUpgradeIsRefusedWith400() throws Exception {
        RawHttp.Response r = RawHttp.send(port, "GET", "/echo", "Upgrade: websocket",
                "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==");
        assertThat(r.status()).isIn(400, 426);
    }

    @Test
    void anotherVersionIsRefusedWith426() throws Exception {
        RawHttp.Response r = RawHttp.send(port, "GET", "/echo", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Version: 8", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==");
        assertThat(r.status()).isEqualTo(426);
        assertThat(r.header("Sec-WebSocket-Version")).isEqualTo("13");
    }

    @Test
    void aMissingOrMalformedKeyIsRefusedWith400() throws Exception {
        assertThat(RawHttp.send(port, "GET", "/echo", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Version: 13").status()).isEqualTo(400);
        assertThat(RawHttp.send(port, "GET", "/echo", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: c2hvcnQ=").status()).isEqualTo(400);
    }

    @Test
    void aForeignOriginIsRefusedWith403() throws Exception {
        RawHttp.Response r = RawHttp.send(port, "GET", "/echo", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Origin: http://evil.example");
        assertThat(r.status()).isEqualTo(403);
        assertThat(WsClient.refusedStatus(WsClient.HTTP.newWebSocketBuilder().header("Origin", "http://evil.example"),
                uri("/echo"))).isEqualTo(403);
        // Same origin is accepted.
        WsClient same = WsClient.connect(WsClient.HTTP.newWebSocketBuilder().header("Origin", "http://127.0.0.1:" + port),
                uri("/echo"));
        same.close();
    }

    @Test
    void servesTheChatPage() throws Exception {
        HttpResponse<String> page = WsClient.HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("chat.js");
        HttpResponse<String> script = WsClient.HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/chat.js")).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.body()).contains("/chat");
    }
}
