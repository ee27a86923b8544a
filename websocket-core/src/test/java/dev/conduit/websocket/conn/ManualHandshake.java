package dev.conduit.websocket.conn;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.compression.ExtensionNegotiationException;
import dev.conduit.websocket.compression.PerMessageDeflateConfig;
import dev.conduit.websocket.compression.PerMessageDeflateNegotiation;
import dev.conduit.websocket.compression.PerMessageDeflateParams;
import dev.conduit.websocket.handshake.AcceptKey;
import dev.conduit.websocket.net.SocketNetConn;
import dev.conduit.websocket.testing.Conversation;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The HTTP upgrade done by hand for interop tests of the connection with compression (the
 * Upgrader and the Dialer have their own tests): only what a well-behaved peer needs.
 */
final class ManualHandshake {
    private ManualHandshake() {
    }

    /**
     * Our client against an echo server process that prints its port as its first line: one
     * conversation for each of our offers (plain, server and client no-context-takeover); the
     * process is stopped afterwards.
     */
    static void converseWithEchoServer(Process server, Consumer<List<String>> checkExtensions, int compressionLevel)
            throws Exception {
        try {
            int port = Integer.parseInt(new BufferedReader(new InputStreamReader(server.getInputStream(), UTF_8))
                    .readLine().trim());
            for (PerMessageDeflateConfig config : List.of(PerMessageDeflateConfig.ENABLED,
                    PerMessageDeflateConfig.ENABLED.withServerNoContextTakeover(true),
                    PerMessageDeflateConfig.ENABLED.withClientNoContextTakeover(true))) {
                Conn conn = dial(port, config, checkExtensions, compressionLevel);
                try {
                    Conversation.echoes(conn, 40);
                } finally {
                    conn.close(WebSocket.CLOSE_NORMAL_CLOSURE, "", Duration.ofSeconds(5));
                }
            }
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A client connection to 127.0.0.1:port, offering what {@code config} says; checks the response. */
    static Conn dial(int port, PerMessageDeflateConfig config, Consumer<List<String>> checkExtensions,
            int compressionLevel) throws IOException, ExtensionNegotiationException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        String key = AcceptKey.newClientKey();
        OutputStream out = socket.getOutputStream();
        out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                + PerMessageDeflateNegotiation.clientOffer(config).map(o -> "Sec-WebSocket-Extensions: " + o + "\r\n").orElse("")
                + "\r\n").getBytes(ISO_8859_1));
        out.flush();
        Map<String, List<String>> headers = readHead(socket.getInputStream());
        assertThat(headers.get(":status")).containsExactly("101");
        assertThat(headers.get("sec-websocket-accept")).containsExactly(AcceptKey.accept(key));
        List<String> extensions = headers.getOrDefault("sec-websocket-extensions", List.of());
        checkExtensions.accept(extensions);
        PerMessageDeflateParams params = PerMessageDeflateNegotiation.acceptResponse(extensions, config).orElse(null);
        return WebSocketConn.open(new SocketNetConn(socket),
                ConnSettings.client().compression(params).compressionLevel(compressionLevel));
    }

    /**
     * Accepts one connection on {@code ss}, negotiates with {@code config}, echoes every message
     * until the peer closes.
     *
     * @return the Sec-WebSocket-Extensions response value ("" for none)
     */
    static String serveEcho(ServerSocket ss, PerMessageDeflateConfig config) {
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
            Conn conn = WebSocketConn.open(new SocketNetConn(socket),
                    ConnSettings.server().compression(accepted.map(PerMessageDeflateNegotiation.Accepted::params).orElse(null)));
            try {
                while (true) {
                    Message m = conn.readMessage();
                    conn.writeMessage(m.messageType(), m.data());
                }
            } catch (CloseException expected) {
                return accepted.map(PerMessageDeflateNegotiation.Accepted::responseHeader).orElse("");
            } finally {
                conn.close();
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /** Reads an HTTP head byte by byte (nothing past it); ":status" holds a response's status. */
    static Map<String, List<String>> readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF in HTTP head");
            }
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : (b == '\r' ? 1 : 0);
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
