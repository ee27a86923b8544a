package dev.conduit.websocket.conn;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.compression.PerMessageDeflateConfig;
import dev.conduit.websocket.compression.PerMessageDeflateNegotiation;
import dev.conduit.websocket.compression.PerMessageDeflateParams;
import dev.conduit.websocket.handshake.AcceptKey;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Compressed conversations with the Python websockets library (Debian python3-websockets, which
 * negotiates permessage-deflate by default) over real sockets, both ways round. The HTTP upgrade
 * is done by hand here; the Upgrader and the Dialer are tested elsewhere.
 */
@Timeout(60)
class PythonWebsocketsConnInteropTest {
    private static final String PYTHON = "/usr/bin/python3";

    private static void requirePython() throws Exception {
        Process p = new ProcessBuilder(PYTHON, "-c", "import websockets").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        boolean ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        if (!ok) {
            String message = "python3 with the websockets library (Debian python3-websockets) is not installed";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(message);
            }
            Assumptions.abort(message);
        }
    }

    private static Path script(String name) throws IOException {
        Path p = Files.createTempFile(name, ".py");
        try (InputStream s = PythonWebsocketsConnInteropTest.class.getResourceAsStream("/interop/" + name)) {
            Files.write(p, s.readAllBytes());
        }
        p.toFile().deleteOnExit();
        return p;
    }

    @Test
    void ourClientTalksToAPythonServer() throws Exception {
        requirePython();
        Process server = new ProcessBuilder(PYTHON, script("echo_server.py").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            int port = Integer.parseInt(new BufferedReader(new InputStreamReader(server.getInputStream(), UTF_8)).readLine().trim());
            for (PerMessageDeflateConfig config : List.of(PerMessageDeflateConfig.ENABLED,
                    PerMessageDeflateConfig.ENABLED.withServerNoContextTakeover(true),
                    PerMessageDeflateConfig.ENABLED.withClientNoContextTakeover(true))) {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
                String key = AcceptKey.newClientKey();
                String offer = PerMessageDeflateNegotiation.clientOffer(config).orElseThrow();
                OutputStream out = socket.getOutputStream();
                out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Extensions: " + offer + "\r\n\r\n").getBytes(ISO_8859_1));
                out.flush();
                Map<String, List<String>> headers = readHead(socket.getInputStream());
                assertThat(headers.get(":status")).containsExactly("101");
                assertThat(headers.get("sec-websocket-accept")).containsExactly(AcceptKey.accept(key));
                List<String> extensions = headers.getOrDefault("sec-websocket-extensions", List.of());
                // Python's server limits its window to 12 bits: our 15-bit inflater reads that.
                assertThat(extensions).singleElement().asString().contains("permessage-deflate").contains("server_max_window_bits=12");
                PerMessageDeflateParams params = PerMessageDeflateNegotiation.acceptResponse(extensions, config).orElseThrow();
                assertThat(params.serverMaxWindowBits()).isEqualTo(12);
                Conn conn = WebSocketConn.open(new Loopback.SocketTransport(socket),
                        ConnSettings.client().compression(params).compressionLevel(6));
                try {
                    converse(conn);
                } finally {
                    conn.close(WebSocket.CLOSE_NORMAL_CLOSURE, "", Duration.ofSeconds(5));
                }
            }
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Sends messages of every kind and size and checks the echoes. */
    private static void converse(Conn conn) throws IOException {
        for (int i = 0; i < 40; i++) {
            byte[] m = ("message " + i + " with some repetition, repetition, repetition; ").repeat(i * 53 % 900)
                    .getBytes(UTF_8);
            int type = i % 2 == 0 ? WebSocket.TEXT_MESSAGE : WebSocket.BINARY_MESSAGE;
            if (i % 5 == 0) {
                try (OutputStream w = conn.nextWriter(type)) {
                    for (int off = 0; off < m.length; off += 1000) {
                        w.write(m, off, Math.min(1000, m.length - off));
                    }
                }
            } else {
                conn.writeMessage(type, m);
            }
            Message back = conn.readMessage();
            assertThat(back.messageType()).isEqualTo(type);
            assertThat(back.data()).isEqualTo(m);
        }
    }

    @Test
    void pythonClientTalksToOurServer() throws Exception {
        requirePython();
        for (PerMessageDeflateConfig config : List.of(PerMessageDeflateConfig.ENABLED,
                PerMessageDeflateConfig.ENABLED.withServerNoContextTakeover(true).withClientNoContextTakeover(true))) {
            try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> serveOne(ss, config));
                Process client = new ProcessBuilder(PYTHON, script("echo_client.py").toString(),
                        "ws://127.0.0.1:" + ss.getLocalPort() + "/", "60").redirectError(ProcessBuilder.Redirect.INHERIT).start();
                String output = new String(client.getInputStream().readAllBytes(), UTF_8);
                assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
                JsonNode result = new ObjectMapper().readTree(output);
                assertThat(result.get("ok").asBoolean()).as(output).isTrue();
                assertThat(result.get("extensions").asText()).startsWith("permessage-deflate");
                assertThat(served.get(30, TimeUnit.SECONDS)).isEqualTo(result.get("extensions").asText());
            }
        }
    }

    /** Accepts one connection, negotiates, echoes until the peer closes; returns the response header. */
    private static String serveOne(ServerSocket ss, PerMessageDeflateConfig config) {
        try (Socket socket = ss.accept()) {
            Map<String, List<String>> request = readHead(socket.getInputStream());
            String key = request.get("sec-websocket-key").get(0);
            Optional<PerMessageDeflateNegotiation.Accepted> accepted =
                    PerMessageDeflateNegotiation.acceptOffer(request.get("sec-websocket-extensions"), config);
            String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + AcceptKey.accept(key) + "\r\n"
                    + accepted.map(a -> "Sec-WebSocket-Extensions: " + a.responseHeader() + "\r\n").orElse("") + "\r\n";
            socket.getOutputStream().write(response.getBytes(ISO_8859_1));
            socket.getOutputStream().flush();
            Conn conn = WebSocketConn.open(new Loopback.SocketTransport(socket),
                    ConnSettings.server().compression(accepted.map(PerMessageDeflateNegotiation.Accepted::params).orElse(null)));
            try {
                while (true) {
                    Message m = conn.readMessage();
                    conn.writeMessage(m.messageType(), m.data());
                }
            } catch (dev.conduit.websocket.CloseException expected) {
                return accepted.map(PerMessageDeflateNegotiation.Accepted::responseHeader).orElse("");
            } finally {
                conn.close();
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /** Reads an HTTP head byte by byte (nothing past it); ":status" holds the response status. */
    private static Map<String, List<String>> readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF in HTTP head");
            }
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        String[] lines = head.toString(ISO_8859_1).split("\r\n");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (lines[0].startsWith("HTTP/")) {
            headers.put(":status", List.of(lines[0].split(" ")[1]));
        }
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
        }
        return headers;
    }
}
