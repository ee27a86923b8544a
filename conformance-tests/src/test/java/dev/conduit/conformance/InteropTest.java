package dev.conduit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.example.ExampleApplication;
import dev.conduit.websocket.WebSocket;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Interop in both directions with peers we did not write: each peer's client against the example
 * app's {@code /echo}, and our {@code Dialer} against each peer's echo server, with the
 * {@link InteropMatrix} of messages. Python {@code websockets} and gorilla/websocket come from Debian,
 * Node {@code ws} from npm; the JDK client and OkHttp from the JDK and Maven.
 */
@SpringBootTest(classes = {ExampleApplication.class, ConformanceServerConfig.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
class InteropTest {
    private static final long PEER_TIMEOUT_SECONDS = 120;

    @Value("${local.server.port}")
    int port;

    private String echoUrl() {
        return "ws://127.0.0.1:" + port + "/echo";
    }

    @AfterAll
    static void matrix() throws Exception {
        InteropMatrix.print();
    }

    // ---- Python websockets ------------------------------------------------------------------

    @ParameterizedTest(name = "permessage-deflate {0}")
    @ValueSource(booleans = {false, true})
    void pythonClientToConduitServer(boolean deflate) throws Exception {
        Peers.requirePython();
        try (PeerProcess p = PeerProcess.start("python-client" + suffix(deflate), Peers.MODULE, Map.of(),
                Peers.PYTHON, Peers.PYTHON_SCRIPT.toString(), "client", echoUrl(), mode(deflate))) {
            InteropMatrix.clientRunPassed("python websockets", p.await(PEER_TIMEOUT_SECONDS), deflate);
        }
    }

    @ParameterizedTest(name = "permessage-deflate {0}")
    @ValueSource(booleans = {false, true})
    void conduitDialerToPythonServer(boolean deflate) throws Exception {
        Peers.requirePython();
        try (PeerProcess p = PeerProcess.start("python-server" + suffix(deflate), Peers.MODULE, Map.of(),
                Peers.PYTHON, Peers.PYTHON_SCRIPT.toString(), "server", mode(deflate))) {
            InteropMatrix.dialerEchoes("python websockets", URI.create("ws://127.0.0.1:" + p.awaitLine("listening", 30) + "/"), deflate);
        }
    }

    // ---- Node ws ----------------------------------------------------------------------------

    @ParameterizedTest(name = "permessage-deflate {0}")
    @ValueSource(booleans = {false, true})
    void nodeClientToConduitServer(boolean deflate) throws Exception {
        Peers.requireNodeModule("ws");
        try (PeerProcess p = PeerProcess.start("node-client" + suffix(deflate), Peers.NODE_DIR, Map.of(),
                "node", "ws_peer.js", "client", echoUrl(), mode(deflate))) {
            InteropMatrix.clientRunPassed("node ws", p.await(PEER_TIMEOUT_SECONDS), deflate);
        }
    }

    @ParameterizedTest(name = "permessage-deflate {0}")
    @ValueSource(booleans = {false, true})
    void conduitDialerToNodeServer(boolean deflate) throws Exception {
        Peers.requireNodeModule("ws");
        try (PeerProcess p = PeerProcess.start("node-server" + suffix(deflate), Peers.NODE_DIR, Map.of(),
                "node", "ws_peer.js", "server", mode(deflate))) {
            InteropMatrix.dialerEchoes("node ws", URI.create("ws://127.0.0.1:" + p.awaitLine("listening", 30) + "/"), deflate);
        }
    }

    // ---- gorilla/websocket ------------------------------------------------------------------

    @ParameterizedTest(name = "permessage-deflate {0}")
    @ValueSource(booleans = {false, true})
    void gorillaClientToConduitServer(boolean deflate) throws Exception {
        Path binary = GorillaPeer.build();
        try (PeerProcess p = PeerProcess.start("gorilla-client" + suffix(deflate), Peers.MODULE, Map.of(),
                binary.toString(), "client", echoUrl(), mode(deflate))) {
            InteropMatrix.clientRunPassed("gorilla/websocket", p.await(PEER_TIMEOUT_SECONDS), deflate);
        }
    }

    @ParameterizedTest(name = "permessage-deflate {0}")
    @ValueSource(booleans = {false, true})
    void conduitDialerToGorillaServer(boolean deflate) throws Exception {
        Path binary = GorillaPeer.build();
        try (PeerProcess p = PeerProcess.start("gorilla-server" + suffix(deflate), Peers.MODULE, Map.of(),
                binary.toString(), "server", mode(deflate))) {
            InteropMatrix.dialerEchoes("gorilla/websocket", URI.create("ws://127.0.0.1:" + p.awaitLine("listening", 30) + "/"), deflate);
        }
    }

    private static String mode(boolean deflate) {
        return deflate ? "deflate" : "plain";
    }

    private static String suffix(boolean deflate) {
        return deflate ? "-deflate" : "";
    }

    // ---- JDK client and OkHttp --------------------------------------------------------------

    @Test
    void jdkClientToConduitServer() throws Exception {
        BlockingQueue<InteropMatrix.Entry> received = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        java.net.http.WebSocket ws = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build()
                .newWebSocketBuilder().buildAsync(URI.create(echoUrl()), new java.net.http.WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();
                    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

                    @Override
                    public CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            received.add(new InteropMatrix.Entry(WebSocket.TEXT_MESSAGE, text.toString().getBytes(StandardCharsets.UTF_8)));
                            text.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onBinary(java.net.http.WebSocket w, ByteBuffer data, boolean last) {
                        byte[] b = new byte[data.remaining()];
                        data.get(b);
                        binary.writeBytes(b);
                        if (last) {
                            received.add(new InteropMatrix.Entry(WebSocket.BINARY_MESSAGE, binary.toByteArray()));
                            binary.reset();
                        }
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(java.net.http.WebSocket w, int code, String reason) {
                        closed.complete(code);
                        return null;
                    }

                    @Override
                    public void onError(java.net.http.WebSocket w, Throwable error) {
                        closed.completeExceptionally(error);
                    }
                }).get(10, TimeUnit.SECONDS);
        int ok = 0;
        try {
            for (InteropMatrix.Entry e : InteropMatrix.messages()) {
                if (e.type() == WebSocket.TEXT_MESSAGE) {
                    ws.sendText(new String(e.data(), StandardCharsets.UTF_8), true).get(10, TimeUnit.SECONDS);
                } else {
                    ws.sendBinary(ByteBuffer.wrap(e.data()), true).get(10, TimeUnit.SECONDS);
                }
                InteropMatrix.Entry echo = received.poll(10, TimeUnit.SECONDS);
                assertThat(echo).as("echo of %s", e.describe()).isNotNull();
                assertThat(echo.type()).isEqualTo(e.type());
                assertThat(echo.data()).as("echo of %s", e.describe()).isEqualTo(e.data());
                ok++;
            }
            ws.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
            assertThat(closed.get(10, TimeUnit.SECONDS)).as("the server's close answer").isEqualTo(1000);
        } finally {
            InteropMatrix.record("JDK java.net.http client -> conduit server (offers no extension)", ok);
        }
    }

    @Test
    void okHttpClientToConduitServer() throws Exception {
        BlockingQueue<InteropMatrix.Entry> received = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        CompletableFuture<String> extensions = new CompletableFuture<>();
        OkHttpClient client = new OkHttpClient.Builder().proxy(java.net.Proxy.NO_PROXY).build();
        okhttp3.WebSocket ws = client.newWebSocket(new Request.Builder().url("http://127.0.0.1:" + port + "/echo").build(),
                new WebSocketListener() {
                    @Override
                    public void onOpen(okhttp3.WebSocket w, okhttp3.Response response) {
                        extensions.complete(response.header("Sec-WebSocket-Extensions", ""));
                    }

                    @Override
                    public void onMessage(okhttp3.WebSocket w, String text) {
                        received.add(new InteropMatrix.Entry(WebSocket.TEXT_MESSAGE, text.getBytes(StandardCharsets.UTF_8)));
                    }

                    @Override
                    public void onMessage(okhttp3.WebSocket w, ByteString bytes) {
                        received.add(new InteropMatrix.Entry(WebSocket.BINARY_MESSAGE, bytes.toByteArray()));
                    }

                    @Override
                    public void onClosing(okhttp3.WebSocket w, int code, String reason) {
                        closed.complete(code);
                    }

                    @Override
                    public void onFailure(okhttp3.WebSocket w, Throwable t, okhttp3.Response response) {
                        closed.completeExceptionally(t);
                    }
                });
        int ok = 0;
        String what = "OkHttp client -> conduit server" + InteropMatrix.mode(true);
        try {
            // OkHttp always offers permessage-deflate, and the conformance server accepts it.
            InteropMatrix.assertNegotiated(what, extensions.get(10, TimeUnit.SECONDS), true);
            for (InteropMatrix.Entry e : InteropMatrix.messages()) {
                boolean queued = e.type() == WebSocket.TEXT_MESSAGE ? ws.send(new String(e.data(), StandardCharsets.UTF_8))
                        : ws.send(ByteString.of(e.data()));
                assertThat(queued).isTrue();
                InteropMatrix.Entry echo = received.poll(10, TimeUnit.SECONDS);
                assertThat(echo).as("echo of %s", e.describe()).isNotNull();
                assertThat(echo.type()).isEqualTo(e.type());
                assertThat(echo.data()).as("echo of %s", e.describe()).isEqualTo(e.data());
                ok++;
            }
            ws.close(1000, "done");
            assertThat(closed.get(10, TimeUnit.SECONDS)).as("the server's close answer").isEqualTo(1000);
        } finally {
            InteropMatrix.record(what, ok);
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

}
