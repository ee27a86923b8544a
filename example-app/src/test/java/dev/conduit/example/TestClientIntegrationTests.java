package dev.conduit.example;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.websocket.test.AutoConfigureWebSocketTestClient;
import dev.conduit.websocket.test.TestConnection;
import dev.conduit.websocket.test.WebSocketTestClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The example's endpoints tested the way an application tests its own, with the
 * {@code conduit-websocket-spring-boot-test} client bound to the running server.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.servlet.context-path=/app")
@AutoConfigureWebSocketTestClient
class TestClientIntegrationTests {

    @Autowired
    WebSocketTestClient ws;

    @Test
    void echoAnswersEachMessageAndClosesAsAsked() throws Exception {
        try (TestConnection conn = ws.connect("/echo")) {
            conn.sendText("hello").expectText("hello");
            conn.sendBinary(new byte[] {1, 2, 3}).expectBinary(new byte[] {1, 2, 3});
            conn.close(4000).expectClose(4000);
        }
    }

    @Test
    void itsAssertionsFailOnTheWrongMessageOrCloseCode() throws Exception {
        try (TestConnection conn = ws.connect("/echo")) {
            assertThatThrownBy(() -> conn.sendText("hello").expectText("goodbye"))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("\"goodbye\" but got \"hello\"");
            assertThatThrownBy(() -> conn.close(1000).expectClose(1011))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("expected close 1011 but got 1000");
        }
        assertThatThrownBy(() -> ws.expectRefused("/echo", Map.of(), 403))
                .isInstanceOf(AssertionError.class).hasMessageContaining("it was accepted");
    }

    @Test
    void aForeignOriginIsRefusedWith403() throws Exception {
        ws.expectRefused("/echo", Map.of("Origin", List.of("https://evil.example")), 403);
    }
}
