package dev.conduit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.conduit.example.ExampleApplication;
import dev.conduit.websocket.BadHandshakeException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.client.Dialer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Section H, opening handshakes: bad requests against the server (exact status and headers) and bad
 * responses against the Dialer (exact failure), written by hand on raw sockets.
 */
@SpringBootTest(classes = {ExampleApplication.class, ConformanceServerConfig.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
class HandshakeConformanceTest {
    static final Summary SUMMARY = new Summary("handshake");
    private static final String PATH = "/autobahn/m";
    /** Own threads for the clients under test: the common pool has one thread on a 2-core machine. */
    private static final ExecutorService CLIENTS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "client-under-test");
        t.setDaemon(true);
        return t;
    });
    private static final Dialer DIALER = Dialer.builder()
            .proxySelector(HttpClient.Builder.NO_PROXY)
            .handshakeTimeout(Duration.ofSeconds(5))
            .build();

    @Value("${local.server.port}")
    int port;

    @AfterAll
    static void summary() throws Exception {
        SUMMARY.print();
    }

    @TestFactory
    Stream<DynamicContainer> handshakes() {
        return Stream.of(
                DynamicContainer.dynamicContainer("server", Stream.of(
                        serverCase("H.1 POST is refused with 405 and Allow: GET", "POST", null, 405, r ->
                                assertThat(r.header("Allow")).isEqualTo("GET")),
                        serverCase("H.2 no Upgrade header: 426 naming websocket", "GET", h -> h.replace("Upgrade: websocket\r\n", ""), 426, r -> {
                            assertThat(r.header("Upgrade")).isEqualToIgnoringCase("websocket");
                            assertThat(r.header("Sec-WebSocket-Version")).isEqualTo("13");
                        }),
                        serverCase("H.3 Connection without the upgrade token: 400", "GET",
                                h -> h.replace("Connection: Upgrade", "Connection: keep-alive"), 400, r -> { }),
                        serverCase("H.4 Sec-WebSocket-Version 8: 426 with Sec-WebSocket-Version: 13", "GET",
                                h -> h.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8"), 426, r ->
                                        assertThat(r.header("Sec-WebSocket-Version")).isEqualTo("13")),
                        serverCase("H.5 no Sec-WebSocket-Key: 400", "GET",
                                h -> h.replaceAll("Sec-WebSocket-Key: [^\r]*\r\n", ""), 400, r -> { }),
                        serverCase("H.6 a key that is not 16 bytes: 400", "GET",
                                h -> h.replaceAll("Sec-WebSocket-Key: [^\r]*", "Sec-WebSocket-Key: dGhlIHNhbXBsZQ=="), 400, r -> { }),
                        serverCase("H.7 a cross-origin request: 403", "GET",
                                h -> h + "Origin: http://evil.example\r\n", 403, r -> { }),
                        serverCase("H.8 a same-origin request: 101", "GET",
                                h -> h + "Origin: http://127.0.0.1:" + port + "\r\n", 101, r -> { }),
                        serverCase("H.9 tokens in other case and lists (Firefox): 101", "GET",
                                h -> h.replace("Upgrade: websocket", "Upgrade: WebSocket")
                                        .replace("Connection: Upgrade", "Connection: keep-alive, Upgrade"), 101, r -> { }),
                        serverCase("H.10 an unknown extension offered by the client is not accepted", "GET",
                                h -> h + "Sec-WebSocket-Extensions: x-unknown-extension\r\n", 101, r ->
                                        assertThat(r.header("Sec-WebSocket-Extensions")).isNull()),
                        serverFrameAfterRequestCase())),
                DynamicContainer.dynamicContainer("client", Stream.of(
                        clientRefused("H.11 status 200 instead of 101", accept -> "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 200),
                        clientRefused("H.12 403 with a body: status and body reach the caller",
                                accept -> "HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\n\r\nforbidden", 403),
                        clientRefused("H.13 wrong Sec-WebSocket-Accept", accept -> response("Sec-WebSocket-Accept: "
                                + RawClient.accept("x" + accept) + "\r\n"), 101),
                        clientRefused("H.14 no Sec-WebSocket-Accept", accept -> response(""), 101),
                        clientRefused("H.15 no Upgrade header", accept -> response("Sec-WebSocket-Accept: " + accept + "\r\n")
                                .replace("Upgrade: websocket\r\n", ""), 101),
                        clientRefused("H.16 no Connection header", accept -> response("Sec-WebSocket-Accept: " + accept + "\r\n")
                                .replace("Connection: Upgrade\r\n", ""), 101),
                        clientRefused("H.17 a subprotocol the client did not offer", accept -> response("Sec-WebSocket-Accept: "
                                + accept + "\r\nSec-WebSocket-Protocol: chat\r\n"), 101),
                        clientRefused("H.18 an extension the client did not offer", accept -> response("Sec-WebSocket-Accept: "
                                + accept + "\r\nSec-WebSocket-Extensions: x-unknown-extension\r\n"), 101),
                        clientCase("H.19 the request is a valid upgrade, and a frame sent with the 101 is read", this::clientRequestAndEarlyFrame),
                        clientCase("H.20 the server closes during the response head: IOException", this::clientTruncatedResponse))));
    }

    // ---- server ----------------------------------------------------------------------------

    private String request(String method) {
        return method + " " + PATH + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + RawClient.newKey() + "\r\nSec-WebSocket-Version: 13\r\n";
    }

    private DynamicTest serverCase(String name, String method, Function<String, String> edit, int status,
                                   ThrowingConsumer<RawClient.Response> check) {
        return recorded("server", name, () -> {
            String head = request(method);
            if (edit != null) {
                head = edit.apply(head);
            }
            try (Socket s = RawClient.connect(port)) {
                s.getOutputStream().write((head + (method.equals("POST") ? "Content-Length: 0\r\n" : "") + "\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                RawClient.Response r = RawClient.readHead(new BufferedInputStream(s.getInputStream()));
                assertThat(r.status()).as("status; response %s", r.head()).isEqualTo(status);
                check.accept(r);
            }
        });
    }

    private DynamicTest serverFrameAfterRequestCase() {
        return recorded("server", "H.21 a frame sent right behind the request (before the 101) is read", () -> {
            try (Socket s = RawClient.connect(port)) {
                String key = RawClient.newKey();
                String head = request("GET").replaceAll("Sec-WebSocket-Key: [^\r]*", "Sec-WebSocket-Key: " + key) + "\r\n";
                byte[] frame = WireFrame.text("early").encode(true);
                byte[] both = new byte[head.length() + frame.length];
                System.arraycopy(head.getBytes(StandardCharsets.ISO_8859_1), 0, both, 0, head.length());
                System.arraycopy(frame, 0, both, head.length(), frame.length);
                s.getOutputStream().write(both);
                InputStream in = new BufferedInputStream(s.getInputStream());
                RawClient.Response r = RawClient.readHead(in);
                assertThat(r.status()).isEqualTo(101);
                assertThat(r.header("Sec-WebSocket-Accept")).isEqualTo(RawClient.accept(key));
                Received got = new RawPeer(s, in, true).run(new ConformanceCase("H.21", "early frame", java.util.List.of(),
                        ConformanceCase.Write.ONE_WRITE, true, Expected.close(1000, java.util.List.of(), java.util.List.of())), 10_000);
                assertThat(got.messages).containsExactly(Received.Message.text("early"));
                assertThat(got.closeCode).isEqualTo(1000);
            }
        });
    }

    // ---- client ----------------------------------------------------------------------------

    private static String response(String extra) {
        return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + extra + "\r\n";
    }

    /** The Dialer must refuse the response with a BadHandshakeException carrying the status. */
    private DynamicTest clientRefused(String name, Function<String, String> responseForAccept, int status) {
        return clientCase(name, server -> {
            CompletableFuture<Conn> dial = CompletableFuture.supplyAsync(() -> dial(server), CLIENTS);
            try (Socket s = server.accept()) {
                InputStream in = new BufferedInputStream(s.getInputStream());
                RawClient.Response request = RawClient.readHead(in);
                String accept = RawClient.accept(request.header("Sec-WebSocket-Key"));
                s.getOutputStream().write(responseForAccept.apply(accept).getBytes(StandardCharsets.ISO_8859_1));
                assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
                        .isThrownBy(() -> dial.get(10, TimeUnit.SECONDS))
                        .havingCause().isInstanceOfSatisfying(BadHandshakeException.class, e -> {
                            assertThat(e.status()).isEqualTo(status);
                            if (status == 403) {
                                assertThat(e.bodyText()).isEqualTo("forbidden");
                            }
                        });
            }
        });
    }

    private void clientRequestAndEarlyFrame(ServerSocket server) throws Exception {
        CompletableFuture<Conn> dial = CompletableFuture.supplyAsync(() -> dial(server), CLIENTS);
        try (Socket s = server.accept()) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            RawClient.Response request = RawClient.readHead(in);
            assertThat(request.head()).startsWith("GET / HTTP/1.1\r\n");
            assertThat(request.header("Host")).isEqualTo("127.0.0.1:" + server.getLocalPort());
            assertThat(request.header("Upgrade")).isEqualToIgnoringCase("websocket");
            assertThat(request.header("Connection")).containsIgnoringCase("upgrade");
            assertThat(request.header("Sec-WebSocket-Version")).isEqualTo("13");
            assertThat(java.util.Base64.getDecoder().decode(request.header("Sec-WebSocket-Key"))).hasSize(16);
            byte[] head = response("Sec-WebSocket-Accept: " + RawClient.accept(request.header("Sec-WebSocket-Key")) + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            byte[] frame = WireFrame.text("early").encode(false);
            byte[] both = new byte[head.length + frame.length];
            System.arraycopy(head, 0, both, 0, head.length);
            System.arraycopy(frame, 0, both, head.length, frame.length);
            s.getOutputStream().write(both);
            try (Conn conn = dial.get(10, TimeUnit.SECONDS)) {
                Message m = conn.readMessage();
                assertThat(m.messageType()).isEqualTo(WebSocket.TEXT_MESSAGE);
                assertThat(m.text()).isEqualTo("early");
            }
        }
    }

    private void clientTruncatedResponse(ServerSocket server) throws Exception {
        CompletableFuture<Conn> dial = CompletableFuture.supplyAsync(() -> dial(server), CLIENTS);
        try (Socket s = server.accept()) {
            RawClient.readHead(new BufferedInputStream(s.getInputStream()));
            s.getOutputStream().write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: webs".getBytes(StandardCharsets.ISO_8859_1));
        }
        assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
                .isThrownBy(() -> dial.get(10, TimeUnit.SECONDS))
                .havingCause().isInstanceOf(IOException.class);
    }

    private static Conn dial(ServerSocket server) {
        try {
            return DIALER.dial(URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/"));
        } catch (IOException e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    private DynamicTest clientCase(String name, ThrowingConsumer<ServerSocket> body) {
        return recorded("client", name, () -> {
            try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
                server.setSoTimeout(10_000);
                body.accept(server);
            }
        });
    }

    private static DynamicTest recorded(String side, String name, Executable body) {
        return DynamicTest.dynamicTest(name, () -> {
            boolean passed = false;
            try {
                body.execute();
                passed = true;
            } finally {
                SUMMARY.record(side, "H", passed);
            }
        });
    }

    @FunctionalInterface
    interface ThrowingConsumer<T> {
        void accept(T t) throws Exception;
    }
}
