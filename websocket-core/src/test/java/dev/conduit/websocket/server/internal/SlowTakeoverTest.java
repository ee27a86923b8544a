package dev.conduit.websocket.server.internal;

import dev.conduit.websocket.Message;
import dev.conduit.websocket.server.EmbeddedTomcat;
import dev.conduit.websocket.server.JdkClient;
import dev.conduit.websocket.server.Upgrader;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The handshake timeout ends when Tomcat hands the connection over: a takeover that then waits
 * longer for Tomcat's poller than the timeout (as a busy machine makes it; here a step held up
 * for 1.5 s against a 1 s timeout) still serves the connection.
 */
class SlowTakeoverTest {
    final AtomicInteger notStarted = new AtomicInteger();
    final Upgrader upgrader = Upgrader.builder().handshakeTimeout(Duration.ofSeconds(1)).build();

    @AfterEach
    void reset() {
        TakeoverStep.injectedDelay = null;
        upgrader.close();
    }

    final HttpServlet echo = new HttpServlet() {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            upgrader.upgrade(req, resp, null, new dev.conduit.websocket.server.ConnHandler() {
                @Override
                public void accept(dev.conduit.websocket.Conn conn) throws Exception {
                    Message m = conn.readMessage();
                    conn.writeMessage(m.messageType(), m.data());
                    conn.readMessage(); // until the client closes
                }

                @Override
                public void notStarted(Throwable cause) {
                    notStarted.incrementAndGet();
                }
            });
        }
    };

    @Test
    void aTakeoverSlowerThanTheHandshakeTimeoutServesTheConnection() throws Exception {
        TransportRuntime.resetTurnedOffForTests();
        try (EmbeddedTomcat server = new EmbeddedTomcat(echo)) {
            TakeoverStep.injectedDelayMillis = 1500;
            TakeoverStep.injectedDelay = TakeoverStep.AWAIT_POLLER_ROUND;
            JdkClient client = JdkClient.connect(server.wsUri());
            client.ws.sendText("slow", true);
            assertThat(client.next()).isEqualTo("slow");
            assertThat(notStarted).hasValue(0);
            assertThat(TransportRuntime.turnedOff()).isNull();
            client.ws.sendClose(1000, "");
            assertThat(client.awaitCloseCode()).isIn(1000, 1005);
        }
    }
}
