package dev.conduit.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.WebSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The server shuts down while a peer is in the middle of a fragmented message: the peer gets close
 * 1001 (going away), answers it, and the TCP connection ends.
 */
class ShutdownMidMessageIntegrationTests {

    @Test
    void aPeerInsideAMessageGetsCloseGoingAwayOnShutdown() throws Exception {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(TestApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off").run();
        int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
        try (RawWsPeer peer = RawWsPeer.connect(port, "/open/echo")) {
            peer.send(false, WebSocket.TEXT_MESSAGE, "first half, ".getBytes(StandardCharsets.UTF_8));
            Thread closer = new Thread(app::close, "app-close");
            closer.start();

            RawWsPeer.Frame close = peer.next();
            assertThat(close).isNotNull();
            assertThat(close.opcode()).isEqualTo(WebSocket.CLOSE_MESSAGE);
            assertThat(close.closeCode()).isEqualTo(WebSocket.CLOSE_GOING_AWAY);
            peer.send(WebSocket.CLOSE_MESSAGE, WebSocket.formatCloseMessage(WebSocket.CLOSE_GOING_AWAY, ""));
            assertThat(peer.next()).as("TCP ends after the close handshake").isNull();
            closer.join(60_000);
            assertThat(closer.isAlive()).isFalse();
        } finally {
            app.close();
        }
    }
}
