package dev.conduit.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.spring.testing.WsClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * {@code /secure/echo} behind Spring Security with the demo users of {@link SecurityConfig}: an
 * anonymous or wrongly authenticated upgrade gets 401 and is not upgraded; alice (role USER) is
 * greeted and echoed with her name by the {@code @PreAuthorize} service; bob, authenticated but
 * without the role, is refused by that service inside the handler, which the starter turns into
 * close 1008 (policy violation), not a server failure. The rest of the app stays public.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
class SecureEchoIntegrationTests {
    private static final String UPGRADE_KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==";

    @Value("${local.server.port}")
    int port;

    private URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    private static WebSocket.Builder basic(String user, String password) {
        return WsClient.HTTP.newWebSocketBuilder().header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anAnonymousUpgradeGets401AndIsNotUpgraded() throws Exception {
        RawHttp.Response r = RawHttp.send(port, "GET", "/secure/echo", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Version: 13", UPGRADE_KEY);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).startsWith("Basic");
        assertThat(r.header("Upgrade")).isNull();
        assertThat(r.header("Set-Cookie")).as("stateless: no session").isNull();
        assertThat(WsClient.refusedStatus(WsClient.HTTP.newWebSocketBuilder(), uri("/secure/echo"))).isEqualTo(401);
    }

    @Test
    void aWrongPasswordGets401() throws Exception {
        assertThat(WsClient.refusedStatus(basic("alice", "wrong"), uri("/secure/echo"))).isEqualTo(401);
    }

    @Test
    void anAuthenticatedUserWithTheRoleIsEchoedWithTheirName() throws Exception {
        WsClient client = WsClient.connect(basic("alice", "alice-demo"), uri("/secure/echo"));
        assertThat(client.nextText()).isEqualTo("hello alice");
        client.sendText("hi");
        assertThat(client.nextText()).isEqualTo("alice: hi");
        client.sendText("again");
        assertThat(client.nextText()).isEqualTo("alice: again");
        client.close();
        assertThat(client.awaitClose()).isEqualTo(1000);
    }

    @Test
    void aUserWithoutTheRoleIsRefusedByThePreAuthorizeServiceWith1008() throws Exception {
        WsClient client = WsClient.connect(basic("bob", "bob-demo"), uri("/secure/echo"));
        assertThat(client.nextText()).as("authenticated: the upgrade succeeds").isEqualTo("hello bob");
        client.sendText("hi");
        assertThat(client.awaitClose()).isEqualTo(1008);
        assertThat(client.closeReason).isEqualTo("access denied");
        assertThat(client.messages).isEmpty();
    }

    @Test
    void everythingElseStaysPublic() throws Exception {
        WsClient client = WsClient.connect(uri("/echo"));
        client.sendText("open");
        assertThat(client.nextText()).isEqualTo("open");
        client.close();
        for (String path : new String[] {"/", "/chat.js", "/actuator/health", "/actuator/websockets"}) {
            HttpResponse<String> r = WsClient.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(200);
        }
    }
}
