package dev.conduit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.client.DialResult;
import dev.conduit.websocket.client.Dialer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The interop message matrix, the same in every peer program: text and binary messages of 0 B to
 * 1 MiB at the frame-length boundaries, and one text of multi-byte characters. Payloads are
 * deterministic, so both ends know what to expect.
 */
final class InteropMatrix {
    static final int[] SIZES = {0, 1, 125, 126, 127, 128, 65535, 65536, 1024 * 1024};
    static final String UTF8_SAMPLE = "Hello-µ@ßöäüàá-UTF-8!! κόσμε \uD834\uDD1E";
    static final Dialer DIALER = Dialer.builder()
            .proxySelector(HttpClient.Builder.NO_PROXY)
            .handshakeTimeout(Duration.ofSeconds(10))
            .readLimit(16 * 1024 * 1024)
            .build();
    /** peer and direction → result, printed and kept under target/interop/. */
    private static final Map<String, String> RESULTS = new TreeMap<>();

    private InteropMatrix() {
    }

    record Entry(int type, byte[] data) {
        String describe() {
            return (type == WebSocket.TEXT_MESSAGE ? "text " : "binary ") + data.length;
        }
    }

    static List<Entry> messages() {
        List<Entry> out = new ArrayList<>();
        for (int type : new int[] {WebSocket.TEXT_MESSAGE, WebSocket.BINARY_MESSAGE}) {
            for (int size : SIZES) {
                byte[] b = new byte[size];
                for (int i = 0; i < size; i++) {
                    b[i] = (byte) (type == WebSocket.TEXT_MESSAGE ? 'a' + i % 26 : (i * 31 + 7) & 0xff);
                }
                out.add(new Entry(type, b));
            }
        }
        out.add(new Entry(WebSocket.TEXT_MESSAGE, UTF8_SAMPLE.getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    static final Dialer DEFLATE_DIALER = DIALER.toBuilder().enableCompression(true).build();

    /**
     * Our Dialer sends the matrix to an echo server and checks every echo, then closes with 1000.
     *
     * @param deflate whether the Dialer offers permessage-deflate, and the peer must accept it
     */
    static void dialerEchoes(String peer, URI uri, boolean deflate) throws IOException {
        int ok = 0;
        String what = "conduit Dialer -> " + peer + " server" + mode(deflate);
        DialResult dialed = (deflate ? DEFLATE_DIALER : DIALER).dialWithResponse(uri, Map.of());
        try (Conn conn = dialed.conn()) {
            assertNegotiated(what, dialed.response().header("Sec-WebSocket-Extensions"), deflate);
            for (Entry e : messages()) {
                conn.writeMessage(e.type(), e.data());
                Message m = conn.readMessage();
                assertThat(m.messageType()).as("type of the echo of %s", e.describe()).isEqualTo(e.type());
                assertThat(m.data()).as("echo of %s", e.describe()).isEqualTo(e.data());
                ok++;
            }
            conn.close(WebSocket.CLOSE_NORMAL_CLOSURE, "done", Duration.ofSeconds(5));
            // The peer's answer to our close ends reading with that close, code 1000.
            try {
                conn.readMessage();
            } catch (CloseException e) {
                assertThat(e.code()).as("the peer's close answer").isEqualTo(WebSocket.CLOSE_NORMAL_CLOSURE);
            } catch (IOException e) {
                // Already closed by close(): the read error is the one the graceful close saw.
            }
        } finally {
            record(what, ok);
        }
    }

    static String mode(boolean deflate) {
        return deflate ? " (permessage-deflate)" : "";
    }

    /** Compression is negotiated exactly when it was asked for. */
    static void assertNegotiated(String what, String extensions, boolean deflate) {
        if (deflate) {
            assertThat(extensions).as("%s: Sec-WebSocket-Extensions", what).startsWith("permessage-deflate");
        } else {
            assertThat(extensions == null ? "" : extensions).as("%s: Sec-WebSocket-Extensions", what).isEmpty();
        }
    }

    /** Checks the output of a peer's client run: one ok line per message, then done. */
    static void clientRunPassed(String peer, PeerProcess.Result r, boolean deflate) {
        long ok = r.stdout().stream().filter(l -> l.startsWith("ok ")).count();
        String what = peer + " client -> conduit server" + mode(deflate);
        record(what, (int) ok);
        String extensions = r.stdout().stream().filter(l -> l.startsWith("extensions")).findFirst()
                .map(l -> l.substring("extensions".length()).trim()).orElse(null);
        assertThat(extensions).as("%s printed the negotiated extensions; stdout %s; stderr %s", what, r.stdout(), r.stderr()).isNotNull();
        assertNegotiated(what, extensions, deflate);
        assertThat(r.exitCode()).as("%s client exit code; stdout %s; stderr %s", peer, r.stdout(), r.stderr()).isZero();
        assertThat(ok).as("%s client messages echoed", peer).isEqualTo(messages().size());
        assertThat(r.stdout()).contains("done " + messages().size());
    }

    static synchronized void record(String what, int ok) {
        RESULTS.put(what, ok + "/" + messages().size() + " messages echoed intact"
                + (ok == messages().size() ? "" : "  <-- FAILED"));
    }

    static synchronized void print() throws IOException {
        List<String> lines = new ArrayList<>();
        RESULTS.forEach((k, v) -> lines.add(String.format("interop %-63s %s", k, v)));
        lines.forEach(System.out::println);
        Path dir = Peers.BUILD.resolve("interop");
        Files.createDirectories(dir);
        Files.write(dir.resolve("matrix.txt"), lines);
    }
}
