package dev.conduit.websocket.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.client.DialResult;
import dev.conduit.websocket.client.Dialer;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import okhttp3.Response;
import okhttp3.WebSocketListener;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okio.ByteString;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Interop with a server we did not write: our {@link Dialer} and client {@code Conn} against OkHttp
 * MockWebServer's WebSocket upgrade, whose server side is OkHttp's own RFC 6455 implementation.
 */
class DialerOkHttpInteropTest {
    private static final Dialer DIALER = Dialer.builder().proxySelector(null).handshakeTimeout(Duration.ofSeconds(10)).build();

    private MockWebServer server;
    /** What OkHttp's server side saw: "text:..", "binary:<n>", "closing:<code> <reason>", "closed:..". */
    private final BlockingQueue<String> serverEvents = new LinkedBlockingQueue<>();

    /** Echoes text and binary; "close please" makes the server close with 1001; a close is echoed. */
    private final WebSocketListener echo = new WebSocketListener() {
        @Override
        public void onOpen(okhttp3.WebSocket ws, Response response) {
            serverEvents.add("open");
        }

        @Override
        public void onMessage(okhttp3.WebSocket ws, String text) {
            serverEvents.add("text:" + text);
            if (text.equals("close please")) {
                ws.close(1001, "going away now");
            } else {
                ws.send(text);
            }
        }

        @Override
        public void onMessage(okhttp3.WebSocket ws, ByteString bytes) {
            serverEvents.add("binary:" + bytes.size());
            ws.send(bytes);
        }

        @Override
        public void onClosing(okhttp3.WebSocket ws, int code, String reason) {
            serverEvents.add("closing:" + code + " " + reason);
            ws.close(code, reason);
        }

        @Override
        public void onClosed(okhttp3.WebSocket ws, int code, String reason) {
            serverEvents.add("closed:" + code + " " + reason);
        }

        @Override
        public void onFailure(okhttp3.WebSocket ws, Throwable t, Response response) {
            serverEvents.add("failure:" + t);
        }
    };

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private URI url(String path) {
        return URI.create("ws://127.0.0.1:" + server.getPort() + path);
    }

    private Conn dialEcho() throws Exception {
        server.enqueue(new MockResponse().withWebSocketUpgrade(echo));
        return DIALER.dial(url("/echo"), Map.of("Origin", List.of("http://example.test")));
    }

    @Test
    void handshakeRequestIsAcceptedByOkHttp() throws Exception {
        server.enqueue(new MockResponse().withWebSocketUpgrade(echo));
        DialResult result = DIALER.dialWithResponse(url("/echo?x=1"), Map.of("Origin", List.of("http://example.test")));
        try (Conn conn = result.conn()) {
            assertThat(result.response().status()).isEqualTo(101);
            assertThat(serverEvents.poll(10, TimeUnit.SECONDS)).isEqualTo("open");
        }
        RecordedRequest request = server.takeRequest(10, TimeUnit.SECONDS);
        assertThat(request.getPath()).isEqualTo("/echo?x=1");
        assertThat(request.getHeader("Origin")).isEqualTo("http://example.test");
        assertThat(request.getHeader("Sec-WebSocket-Version")).isEqualTo("13");
    }

    @Test
    void echoesTextBothWays() throws Exception {
        try (Conn conn = dialEcho()) {
            conn.writeMessage(WebSocket.TEXT_MESSAGE, "grüße ✓".getBytes(StandardCharsets.UTF_8));
            Message m = conn.readMessage();
            assertThat(m.messageType()).isEqualTo(WebSocket.TEXT_MESSAGE);
            assertThat(m.text()).isEqualTo("grüße ✓");
        }
    }

    @Test
    void echoesBinaryIncludingLargeMessages() throws Exception {
        byte[] big = new byte[300_000];
        new Random(7).nextBytes(big);
        try (Conn conn = dialEcho()) {
            conn.writeMessage(WebSocket.BINARY_MESSAGE, new byte[] {1, 2, 3});
            assertThat(conn.readMessage().data()).containsExactly(1, 2, 3);
            conn.writeMessage(WebSocket.BINARY_MESSAGE, big);
            Message m = conn.readMessage();
            assertThat(m.messageType()).isEqualTo(WebSocket.BINARY_MESSAGE);
            assertThat(m.data()).isEqualTo(big);
        }
        assertThat(serverEvents).contains("binary:300000");
    }

    @Test
    void streamedMessageWrittenInPiecesIsOneMessageAtTheServer() throws Exception {
        try (Conn conn = dialEcho()) {
            try (OutputStream w = conn.nextWriter(WebSocket.TEXT_MESSAGE)) {
                w.write("stream".getBytes(StandardCharsets.UTF_8));
                w.write("ed ".getBytes(StandardCharsets.UTF_8));
                w.write("x".repeat(10_000).getBytes(StandardCharsets.UTF_8));
            }
            assertThat(conn.readMessage().text()).isEqualTo("streamed " + "x".repeat(10_000));
        }
    }

    @Test
    void okHttpAnswersOurPing() throws Exception {
        BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
        try (Conn conn = dialEcho()) {
            conn.setPongHandler(data -> pongs.add(new String(data, StandardCharsets.UTF_8)));
            conn.writeControl(WebSocket.PING_MESSAGE, "hb-1".getBytes(StandardCharsets.UTF_8), Instant.now().plusSeconds(5));
            conn.writeMessage(WebSocket.TEXT_MESSAGE, "after ping".getBytes(StandardCharsets.UTF_8));
            assertThat(conn.readMessage().text()).isEqualTo("after ping");
            assertThat(pongs.poll(10, TimeUnit.SECONDS)).isEqualTo("hb-1");
        }
    }

    @Test
    void clientCloseCodeAndReasonReachOkHttpAndAreEchoed() throws Exception {
        try (Conn conn = dialEcho()) {
            conn.writeControl(WebSocket.CLOSE_MESSAGE, WebSocket.formatCloseMessage(4000, "done here"), Instant.now().plusSeconds(5));
            assertThatThrownBy(conn::readMessage).isInstanceOfSatisfying(CloseException.class, e -> {
                assertThat(e.code()).isEqualTo(4000);
                assertThat(e.text()).isEqualTo("done here");
            });
        }
        assertThat(serverEvents.poll(10, TimeUnit.SECONDS)).isEqualTo("open");
        assertThat(serverEvents.poll(10, TimeUnit.SECONDS)).isEqualTo("closing:4000 done here");
    }

    @Test
    void serverCloseReachesTheClientAndTheDefaultHandlerAnswersIt() throws Exception {
        try (Conn conn = dialEcho()) {
            conn.writeMessage(WebSocket.TEXT_MESSAGE, "close please".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(conn::readMessage).isInstanceOfSatisfying(CloseException.class, e -> {
                assertThat(e.code()).isEqualTo(WebSocket.CLOSE_GOING_AWAY);
                assertThat(e.text()).isEqualTo("going away now");
            });
        }
        // OkHttp reports onClosed only after receiving our close reply with the same code.
        String closed = null;
        for (int i = 0; i < 5 && (closed == null || !closed.startsWith("closed:")); i++) {
            closed = serverEvents.poll(10, TimeUnit.SECONDS);
        }
        assertThat(closed).startsWith("closed:1001");
    }

    @Test
    void gracefulCloseCompletesTheClosingHandshake() throws Exception {
        Conn conn = dialEcho();
        conn.close(WebSocket.CLOSE_NORMAL_CLOSURE, "bye", Duration.ofSeconds(5));
        String event = null;
        for (int i = 0; i < 5 && (event == null || !event.startsWith("closed:")); i++) {
            event = serverEvents.poll(10, TimeUnit.SECONDS);
        }
        assertThat(event).isEqualTo("closed:1000 bye");
    }
}
