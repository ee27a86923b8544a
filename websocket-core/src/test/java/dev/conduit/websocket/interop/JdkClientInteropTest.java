package dev.conduit.websocket.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.testing.WebSocketTestServer;

import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Interop with a client we did not write: the JDK's {@code java.net.http.WebSocket} against a
 * minimal server made of our handshake helpers, {@code SocketNetConn} and the server-side
 * {@code WebSocketConn}.
 */
class JdkClientInteropTest {
    private static final long WAIT = 10;

    private WebSocketTestServer server;
    private HttpClient http;
    private final Recorder recorder = new Recorder();
    private java.net.http.WebSocket client;

    /** Collects whole messages, pings, pongs and the close from the JDK client's callbacks. */
    static final class Recorder implements java.net.http.WebSocket.Listener {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final BlockingQueue<byte[]> binaries = new LinkedBlockingQueue<>();
        final BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
        final BlockingQueue<String> pings = new LinkedBlockingQueue<>();
        final BlockingQueue<String> closes = new LinkedBlockingQueue<>();
        final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                texts.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(java.net.http.WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                binaries.add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(java.net.http.WebSocket ws, ByteBuffer message) {
            pings.add(StandardCharsets.UTF_8.decode(message).toString());
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(java.net.http.WebSocket ws, ByteBuffer message) {
            pongs.add(StandardCharsets.UTF_8.decode(message).toString());
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(java.net.http.WebSocket ws, int statusCode, String reason) {
            closes.add(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(java.net.http.WebSocket ws, Throwable error) {
            errors.add(error);
        }
    }

    /** Echoes data messages; on "ping me" pings the client and reports its pong; on "close me" closes gracefully. */
    private static void serve(Conn conn, dev.conduit.websocket.testing.RequestHead request) throws Exception {
        conn.setPongHandler(data -> conn.writeMessage(WebSocket.TEXT_MESSAGE, ("pong:" + new String(data, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
        while (true) {
            Message m = conn.readMessage();
            if (m.messageType() == WebSocket.TEXT_MESSAGE && m.text().equals("ping me")) {
                conn.writeControl(WebSocket.PING_MESSAGE, "srv".getBytes(StandardCharsets.UTF_8), Instant.now().plusSeconds(5));
            } else if (m.messageType() == WebSocket.TEXT_MESSAGE && m.text().equals("close me")) {
                conn.close(4002, "server bye", Duration.ofSeconds(5));
                return;
            } else {
                conn.writeMessage(m.messageType(), m.data());
            }
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = WebSocketTestServer.start(null, List.of("p1"), JdkClientInteropTest::serve);
        http = HttpClient.newHttpClient();
        client = http.newWebSocketBuilder()
                .subprotocols("p2", "p1")
                .buildAsync(server.uri("ws", "/jdk"), recorder)
                .get(WAIT, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        client.abort();
        server.close();
        assertThat(recorder.errors).isEmpty();
    }

    @Test
    void negotiatesTheSubprotocolAndEchoesText() throws Exception {
        assertThat(client.getSubprotocol()).isEqualTo("p1");
        client.sendText("héllo wörld ✓", true).get(WAIT, TimeUnit.SECONDS);
        assertThat(recorder.texts.poll(WAIT, TimeUnit.SECONDS)).isEqualTo("héllo wörld ✓");
    }

    @Test
    void echoesBinary() throws Exception {
        byte[] data = {0, 1, 2, (byte) 0xff, (byte) 0x80};
        client.sendBinary(ByteBuffer.wrap(data), true).get(WAIT, TimeUnit.SECONDS);
        assertThat(recorder.binaries.poll(WAIT, TimeUnit.SECONDS)).isEqualTo(data);
    }

    @Test
    void echoesEmptyMessages() throws Exception {
        client.sendText("", true).get(WAIT, TimeUnit.SECONDS);
        assertThat(recorder.texts.poll(WAIT, TimeUnit.SECONDS)).isEmpty();
        client.sendBinary(ByteBuffer.allocate(0), true).get(WAIT, TimeUnit.SECONDS);
        assertThat(recorder.binaries.poll(WAIT, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void reassemblesFragmentedMessages() throws Exception {
        client.sendText("Hel", false).get(WAIT, TimeUnit.SECONDS);
        client.sendText("lo, ", false).get(WAIT, TimeUnit.SECONDS);
        client.sendText("wörld", true).get(WAIT, TimeUnit.SECONDS);
        assertThat(recorder.texts.poll(WAIT, TimeUnit.SECONDS)).isEqualTo("Hello, wörld");

        client.sendBinary(ByteBuffer.wrap(new byte[] {1, 2}), false).get(WAIT, TimeUnit.SECONDS);
        client.sendBinary(ByteBuffer.wrap(new byte[] {3}), true).get(WAIT, TimeUnit.SECONDS);
        assertThat(recorder.binaries.poll(WAIT, TimeUnit.SECONDS)).containsExactly(1, 2, 3);
    }

    @Test
    void echoesOneMebibyteMessages() throws Exception {
        byte[] big = new byte[1 << 20];
        new Random(42).nextBytes(big);
        client.sendBinary(ByteBuffer.wrap(big), true).get(WAIT, TimeUnit.SECONDS);
        assertThat(recorder.binaries.poll(WAIT, TimeUnit.SECONDS)).isEqualTo(big);

        // Two-byte characters, so frame and buffer boundaries fall inside characters too.
        String text = "ab€é".repeat(1 << 17);
        client.sendText(text, true).get(WAIT, TimeUnit.SECONDS);
        assertThat(recorder.texts.poll(WAIT, TimeUnit.SECONDS)).isEqualTo(text);
    }

    @Test
    void answersTheClientsPingWithAPong() throws Exception {
        client.sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8))).get(WAIT, TimeUnit.SECONDS);
        assertThat(recorder.pongs.poll(WAIT, TimeUnit.SECONDS)).isEqualTo("are you there");
    }

    @Test
    void receivesTheClientsPongToItsPing() throws Exception {
        client.sendText("ping me", true).get(WAIT, TimeUnit.SECONDS);
        assertThat(recorder.pings.poll(WAIT, TimeUnit.SECONDS)).isEqualTo("srv");
        assertThat(recorder.texts.poll(WAIT, TimeUnit.SECONDS)).isEqualTo("pong:srv");
    }

    @Test
    void clientCloseReachesTheServerAndIsEchoed() throws Exception {
        client.sendClose(4001, "bye").get(WAIT, TimeUnit.SECONDS);
        Throwable ending = server.endings().poll(WAIT, TimeUnit.SECONDS);
        assertThat(ending).isInstanceOfSatisfying(CloseException.class, e -> {
            assertThat(e.code()).isEqualTo(4001);
            assertThat(e.text()).isEqualTo("bye");
        });
        // The default close handler answers with the same code.
        assertThat(recorder.closes.poll(WAIT, TimeUnit.SECONDS)).startsWith("4001");
    }

    @Test
    void serverCloseReachesTheClientWithCodeAndReason() throws Exception {
        client.sendText("close me", true).get(WAIT, TimeUnit.SECONDS);
        assertThat(recorder.closes.poll(WAIT, TimeUnit.SECONDS)).isEqualTo("4002 server bye");
        assertThat(server.endings().poll(WAIT, TimeUnit.SECONDS)).hasMessage("handler returned normally");
    }

    @Test
    void manyMessagesInARowArriveInOrder() throws Exception {
        for (int i = 0; i < 200; i++) {
            client.sendText("m" + i, true).get(WAIT, TimeUnit.SECONDS);
        }
        for (int i = 0; i < 200; i++) {
            assertThat(recorder.texts.poll(WAIT, TimeUnit.SECONDS)).isEqualTo("m" + i);
        }
    }
}
