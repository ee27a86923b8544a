package dev.conduit.websocket.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.HandshakeException;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.PreparedMessage;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.testing.Conversation;
import dev.conduit.websocket.client.DialResult;
import dev.conduit.websocket.client.Dialer;
import dev.conduit.websocket.testing.MissingPeer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * permessage-deflate through the product's own handshakes: the Upgrader on embedded Tomcat and
 * the Dialer, with each other and with peers we did not write (Python websockets, Node ws). The
 * peers are skipped when missing, failed under {@code CI=true}.
 */
@Timeout(90)
class CompressionEndToEndTest {
    private static final Dialer DIALER = Dialer.builder().proxySelector(null).handshakeTimeout(Duration.ofSeconds(10))
            .enableCompression(true).build();
    private TestServer server;

    /** Echoes every message; a text message "prepared:x" is answered with a PreparedMessage x. */
    static final class EchoServlet extends HttpServlet {
        private final Upgrader upgrader;

        EchoServlet(Upgrader upgrader) {
            this.upgrader = upgrader;
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) {
            try {
                upgrader.upgrade(req, resp, null, conn -> {
                    try {
                        while (true) {
                            Message m = conn.readMessage();
                            if (m.messageType() == WebSocket.TEXT_MESSAGE && m.text().startsWith("prepared:")) {
                                conn.writePreparedMessage(new PreparedMessage(WebSocket.TEXT_MESSAGE,
                                        m.text().substring("prepared:".length()).getBytes(UTF_8)));
                            } else {
                                conn.writeMessage(m.messageType(), m.data());
                            }
                        }
                    } catch (CloseException expected) {
                        // peer closed
                    }
                });
            } catch (HandshakeException e) {
                // the error handler answered
            }
        }
    }

    private int startTomcat(boolean enableCompression) {
        server = TestServer.start(TestServer.Container.TOMCAT,
                new EchoServlet(track(Upgrader.builder().enableCompression(enableCompression).build())), 20);
        return server.port();
    }

    /** The upgraders of the test, closed after it (their transports' threads). */
    final java.util.List<Upgrader> upgraders = new java.util.ArrayList<>();

    private Upgrader track(Upgrader upgrader) {
        upgraders.add(upgrader);
        return upgrader;
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        upgraders.forEach(Upgrader::close);
    }

    private static void converse(Conn conn) throws IOException {
        Conversation.echoes(conn, 30);
        conn.writeMessage(WebSocket.TEXT_MESSAGE, "prepared:Hello".getBytes(UTF_8));
        assertThat(conn.readMessage().text()).isEqualTo("Hello");
    }

    @Test
    void dialerAndUpgraderNegotiateAndTalkCompressed() throws Exception {
        int port = startTomcat(true);
        DialResult r = DIALER.dialWithResponse(URI.create("ws://127.0.0.1:" + port + "/ws"), Map.of());
        try (Conn conn = r.conn()) {
            assertThat(r.response().header("Sec-WebSocket-Extensions")).isEqualTo("permessage-deflate");
            converse(conn);
            conn.close(WebSocket.CLOSE_NORMAL_CLOSURE, "", Duration.ofSeconds(5));
        }
    }

    @Test
    void optionsOnBothBuildersReachTheConnections() throws Exception {
        server = TestServer.start(TestServer.Container.TOMCAT, new EchoServlet(track(Upgrader.builder().enableCompression(true)
                .compressionNoContextTakeover(true, true).compressionLevel(9).compressionMinSize(64).build())), 20);
        Dialer dialer = DIALER.toBuilder().compressionNoContextTakeover(true, false).compressionLevel(-2).compressionMinSize(10).build();
        DialResult r = dialer.dialWithResponse(URI.create("ws://127.0.0.1:" + server.port() + "/ws"), Map.of());
        try (Conn conn = r.conn()) {
            assertThat(r.response().header("Sec-WebSocket-Extensions"))
                    .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
            converse(conn);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Upgrader.builder().compressionLevel(10))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Dialer.builder().compressionMinSize(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void upgraderWithoutCompressionAnswersWithoutTheExtension() throws Exception {
        int port = startTomcat(false);
        DialResult r = DIALER.dialWithResponse(URI.create("ws://127.0.0.1:" + port + "/ws"), Map.of());
        try (Conn conn = r.conn()) {
            assertThat(r.response().header("Sec-WebSocket-Extensions")).isNull();
            converse(conn);
        }
    }

    // ---- peers we did not write ----------------------------------------------------------------

    private static String python() {
        return requirePeer(List.of("/usr/bin/python3", "-c", "import websockets"), "/usr/bin/python3",
                "python3 with the websockets library (Debian python3-websockets)");
    }

    private static final Path NODE_DIR = Path.of("src/test/node");

    private static void node() {
        requirePeer(List.of("node", "-e", "require('ws')"), "node", "node with ws (npm ci --prefix websocket-core/src/test/node)");
    }

    private static String requirePeer(List<String> probe, String command, String what) {
        boolean ok;
        try {
            Process p = new ProcessBuilder(probe).directory(NODE_DIR.toFile()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            ok = false;
        }
        if (!ok) {
            throw MissingPeer.fail(what + " is not installed");
        }
        return command;
    }

    private static Path pythonScript(String name) throws IOException {
        Path p = Files.createTempFile(name, ".py");
        try (InputStream s = CompressionEndToEndTest.class.getResourceAsStream("/interop/" + name)) {
            Files.write(p, s.readAllBytes());
        }
        p.toFile().deleteOnExit();
        return p;
    }

    private static JsonNode runClient(ProcessBuilder pb) throws Exception {
        Process client = pb.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(client.getInputStream().readAllBytes(), UTF_8);
        assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new ObjectMapper().readTree(output);
    }

    @Test
    void pythonClientAgainstTheUpgrader() throws Exception {
        String python = python();
        int port = startTomcat(true);
        JsonNode result = runClient(new ProcessBuilder(python, pythonScript("echo_client.py").toString(),
                "ws://127.0.0.1:" + port + "/ws", "60"));
        assertThat(result.get("ok").asBoolean()).as(result.toString()).isTrue();
        assertThat(result.get("extensions").asText()).isEqualTo("permessage-deflate");
    }

    @Test
    void nodeClientAgainstTheUpgrader() throws Exception {
        node();
        int port = startTomcat(true);
        JsonNode result = runClient(new ProcessBuilder("node", "echo_client.js", "ws://127.0.0.1:" + port + "/ws", "60", "{}")
                .directory(NODE_DIR.toFile()));
        assertThat(result.get("ok").asBoolean()).as(result.toString()).isTrue();
        assertThat(result.get("extensions").asText()).isEqualTo("permessage-deflate");
    }

    private static int startPeerServer(Process p) throws IOException {
        return Integer.parseInt(new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8)).readLine().trim());
    }

    @Test
    void dialerAgainstPythonAndNodeServers() throws Exception {
        String python = python();
        node();
        List<ProcessBuilder> servers = List.of(
                new ProcessBuilder(python, pythonScript("echo_server.py").toString()),
                new ProcessBuilder("node", "echo_server.js", "{}").directory(NODE_DIR.toFile()));
        for (ProcessBuilder pb : servers) {
            Process p = pb.redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                int port = startPeerServer(p);
                DialResult r = DIALER.dialWithResponse(URI.create("ws://127.0.0.1:" + port + "/"), Map.of());
                try (Conn conn = r.conn()) {
                    assertThat(r.response().header("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
                    for (int i = 0; i < 20; i++) {
                        byte[] m = ("hello " + i + " ").repeat(i * 40).getBytes(UTF_8);
                        conn.writeMessage(WebSocket.TEXT_MESSAGE, m);
                        assertThat(conn.readMessage().data()).isEqualTo(m);
                    }
                    conn.close(WebSocket.CLOSE_NORMAL_CLOSURE, "", Duration.ofSeconds(5));
                }
            } finally {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
