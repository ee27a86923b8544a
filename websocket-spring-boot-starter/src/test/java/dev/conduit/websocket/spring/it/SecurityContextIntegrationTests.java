package dev.conduit.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.spring.testing.WsClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The authenticated security context of the upgrade request is the handler's: a handler calls a
 * {@code @PreAuthorize} service as the user who upgraded, and an anonymous caller is refused by it with close 1008.
 */
class SecurityContextIntegrationTests {
    private static ConfigurableApplicationContext app;
    private static int port;

    @BeforeAll
    static void start() {
        app = new SpringApplicationBuilder(TestApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
                .run();
        port = app.getEnvironment().getProperty("local.server.port", Integer.class);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aHandlerCallsAPreAuthorizeServiceAsTheAuthenticatedUser() throws Exception {
        WsClient client = WsClient.connect(WsClient.HTTP.newWebSocketBuilder()
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8))),
                uri("/secure/greet"));
        client.sendText("hi");
        assertThat(client.nextText()).isEqualTo("hello alice");
        client.sendText("again");
        assertThat(client.nextText()).isEqualTo("hello alice");
        client.close();
    }

    @Test
    void anAnonymousUpgradeIsRefusedByTheSecuredServiceWith1008() throws Exception {
        WsClient client = WsClient.connect(uri("/open/greet"));
        client.sendText("hi");
        // A refusal, not a server failure: policy violation, with the reason.
        assertThat(client.awaitClose()).isEqualTo(1008);
        assertThat(client.closeReason).isEqualTo("access denied"); // the anonymous user is authenticated as anonymous
    }

    private static URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }
}
