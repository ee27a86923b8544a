package dev.conduit.websocket.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.websocket.BadHandshakeException;
import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.client.Dialer;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Interop with a second server we did not write: our {@link Dialer} and client {@code Conn} against
 * Jetty 12's WebSocket server.
 */
class DialerJettyInteropTest {
    private static final Dialer DIALER = Dialer.builder().proxySelector(null).handshakeTimeout(Duration.ofSeconds(10)).build();

    private Server jetty;
    private int port;
    /** What Jetty's endpoint saw: "close:<code> <reason>", "ping:<payload>". */
    private final BlockingQueue<String> serverEvents = new LinkedBlockingQueue<>();

    /** Echoes text and binary; "close please" makes the server close with 4100. */
    public final class EchoEndpoint implements Session.Listener.AutoDemanding {
        private Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String message) {
            if (message.equals("close please")) {
                session.close(4100, "jetty says bye", Callback.NOOP);
            } else {
                session.sendText(message, Callback.NOOP);
            }
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
            callback.succeed();
            session.sendBinary(copy, Callback.NOOP);
        }

        @Override
        public void onWebSocketPing(ByteBuffer payload) {
            // Overriding this turns Jetty's automatic pong off, so answer by hand (before the echo of
            // the message that follows, keeping the order on the wire).
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload.duplicate()).flip();
            serverEvents.add("ping:" + StandardCharsets.UTF_8.decode(payload));
            session.sendPong(copy, Callback.NOOP);
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            serverEvents.add("close:" + statusCode + " " + reason);
        }
    }

    @BeforeEach
    void start() throws Exception {
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ContextHandler context = new ContextHandler("/");
        WebSocketUpgradeHandler upgrade = WebSocketUpgradeHandler.from(jetty, context, container -> {
            container.setMaxTextMessageSize(4 << 20);
            container.setMaxBinaryMessageSize(4 << 20);
            container.addMapping("/echo", (request, response, callback) -> {
                String auth = request.getHeaders().get("Authorization");
                if (auth != null) {
                    serverEvents.add("auth:" + auth);
                }
                if (request.getSubProtocols().contains("p2")) {
                    response.setAcceptedSubProtocol("p2");
                }
                return new EchoEndpoint();
            });
        });
        context.setHandler(upgrade);
        jetty.setHandler(context);
        jetty.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        jetty.stop();
    }

    private URI url(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    @Test
    void negotiatesASubprotocolAndEchoesText() throws Exception {
        try (Conn conn = DIALER.toBuilder().subprotocols("p1", "p2").build().dial(url("/echo"), Map.of())) {
            assertThat(conn.subprotocol()).isEqualTo("p2");
            conn.writeMessage(WebSocket.TEXT_MESSAGE, "über jetty".getBytes(StandardCharsets.UTF_8));
            Message m = conn.readMessage();
            assertThat(m.messageType()).isEqualTo(WebSocket.TEXT_MESSAGE);
            assertThat(m.text()).isEqualTo("über jetty");
        }
    }

    @Test
    void echoesLargeBinaryAndText() throws Exception {
        byte[] big = new byte[1 << 20];
        new Random(3).nextBytes(big);
        String text = "αβγ".repeat(100_000);
        try (Conn conn = DIALER.toBuilder().writeBufferSize(1000).readBufferSize(500).build().dial(url("/echo"), Map.of())) {
            conn.writeMessage(WebSocket.BINARY_MESSAGE, big);
            assertThat(conn.readMessage().data()).isEqualTo(big);
            conn.writeMessage(WebSocket.TEXT_MESSAGE, text.getBytes(StandardCharsets.UTF_8));
            assertThat(conn.readMessage().text()).isEqualTo(text);
        }
    }

    @Test
    void jettyReceivesOurPingAndItsPongReachesOurHandler() throws Exception {
        BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
        try (Conn conn = DIALER.dial(url("/echo"), Map.of())) {
            conn.setPongHandler(data -> pongs.add(new String(data, StandardCharsets.UTF_8)));
            conn.writeControl(WebSocket.PING_MESSAGE, "hb".getBytes(StandardCharsets.UTF_8), Instant.now().plusSeconds(5));
            conn.writeMessage(WebSocket.TEXT_MESSAGE, "x".getBytes(StandardCharsets.UTF_8));
            assertThat(conn.readMessage().text()).isEqualTo("x");
            assertThat(pongs.poll(10, TimeUnit.SECONDS)).isEqualTo("hb");
        }
        assertThat(serverEvents.poll(10, TimeUnit.SECONDS)).isEqualTo("ping:hb");
    }

    @Test
    void closeCodesTravelBothWays() throws Exception {
        try (Conn conn = DIALER.dial(url("/echo"), Map.of())) {
            conn.writeMessage(WebSocket.TEXT_MESSAGE, "close please".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(conn::readMessage).isInstanceOfSatisfying(CloseException.class, e -> {
                assertThat(e.code()).isEqualTo(4100);
                assertThat(e.text()).isEqualTo("jetty says bye");
            });
        }
        assertThat(serverEvents.poll(10, TimeUnit.SECONDS)).startsWith("close:4100");

        Conn conn = DIALER.dial(url("/echo"), Map.of());
        conn.close(4200, "client says bye", Duration.ofSeconds(5));
        assertThat(serverEvents.poll(10, TimeUnit.SECONDS)).isEqualTo("close:4200 client says bye");
    }

    @Test
    void unknownPathIsABadHandshakeWithJettysStatus() {
        assertThatThrownBy(() -> DIALER.dial(url("/nowhere"), Map.of()))
                .isInstanceOfSatisfying(BadHandshakeException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void extraHeadersReachJetty() throws Exception {
        try (Conn conn = DIALER.dial(url("/echo"), Map.of("Authorization", List.of("Bearer abc")))) {
            conn.writeMessage(WebSocket.TEXT_MESSAGE, "ok".getBytes(StandardCharsets.UTF_8));
            assertThat(conn.readMessage().text()).isEqualTo("ok");
        }
        assertThat(serverEvents.poll(10, TimeUnit.SECONDS)).isEqualTo("auth:Bearer abc");
    }
}
