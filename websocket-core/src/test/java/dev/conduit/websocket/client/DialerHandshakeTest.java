package dev.conduit.websocket.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.conduit.websocket.BadHandshakeException;
import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.handshake.AcceptKey;
import dev.conduit.websocket.testing.RequestHead;
import dev.conduit.websocket.testing.TestServer;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client handshake against scripted servers that answer with exact bytes: what the Dialer
 * sends, what it accepts, and how it refuses (gorilla section B 24, 25, 27, 28, 30, 32, 34, 36, 45, 59 and
 * the RFC 6455 §4.1 checks gorilla omits).
 */
class DialerHandshakeTest {
    private static final Dialer DIRECT = Dialer.builder().proxySelector(null).handshakeTimeout(Duration.ofSeconds(10)).build();

    private TestServer server;
    private final BlockingQueue<RequestHead> requests = new LinkedBlockingQueue<>();
    /** Counted down when the server sees the client close the connection. */
    private final CountDownLatch clientClosed = new CountDownLatch(1);

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    /** A server that reads the request, writes {@code response.apply(request)}, then waits for the client to close. */
    private URI scripted(Function<RequestHead, byte[]> response) throws IOException {
        server = TestServer.start(socket -> {
            InputStream in = socket.getInputStream();
            RequestHead request = RequestHead.read(in);
            requests.add(request);
            OutputStream out = socket.getOutputStream();
            out.write(response.apply(request));
            out.flush();
            socket.setSoTimeout(20_000);
            while (in.read() >= 0) {
                // drain what the client sends until it closes
            }
            clientClosed.countDown();
        });
        return server.uri("ws", "/chat?room=1");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String accept(RequestHead request) {
        return AcceptKey.accept(request.header("Sec-WebSocket-Key"));
    }

    private static String switching(RequestHead request, String extraHeaders) {
        return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept(request) + "\r\n" + extraHeaders + "\r\n";
    }

    private BadHandshakeException dialExpectingBadHandshake(URI url) {
        BadHandshakeException e = catchThrowableOfType(BadHandshakeException.class, () -> DIRECT.dial(url, Map.of()));
        assertThat(e).as("a BadHandshakeException").isNotNull();
        return e;
    }

    private void assertClientClosedTheSocket() throws InterruptedException {
        assertThat(clientClosed.await(10, TimeUnit.SECONDS)).as("the client closed its socket").isTrue();
    }

    // --- refused handshakes (gorilla B36) ---

    @Test
    void nonSwitchingStatusExposesStatusHeadersAndBody() throws Exception {
        URI url = scripted(r -> ascii("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nX-Why: origin\r\n"
                + "Content-Length: 5\r\n\r\nnope!"));
        BadHandshakeException e = dialExpectingBadHandshake(url);
        assertThat(e.status()).isEqualTo(403);
        assertThat(e.bodyText()).isEqualTo("nope!");
        assertThat(e.headers().get("x-why")).containsExactly("origin");
        assertThat(e.getMessage()).startsWith("websocket: bad handshake").contains("403");
        assertClientClosedTheSocket();
    }

    @Test
    void chunkedErrorBodyIsDecoded() throws Exception {
        URI url = scripted(r -> ascii("HTTP/1.1 410 Gone\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\nthis\r\n7\r\n is gon\r\n1\r\ne\r\n0\r\n\r\n"));
        BadHandshakeException e = dialExpectingBadHandshake(url);
        assertThat(e.status()).isEqualTo(410);
        assertThat(e.bodyText()).isEqualTo("this is gone");
    }

    @Test
    void bodyWithoutLengthEndsWithTheConnection() throws Exception {
        server = TestServer.start(socket -> {
            RequestHead.read(socket.getInputStream());
            socket.getOutputStream().write(ascii("HTTP/1.0 500 Internal Server Error\r\n\r\nboom"));
            socket.shutdownOutput();
        });
        BadHandshakeException e = dialExpectingBadHandshake(server.uri("ws", "/"));
        assertThat(e.status()).isEqualTo(500);
        assertThat(e.bodyText()).isEqualTo("boom");
    }

    @Test
    void errorBodyWithoutLengthDoesNotHoldADialWithoutTimeout() throws Exception {
        // A keep-alive error response with no length and no end: the body read gives up on its own.
        URI url = scripted(r -> ascii("HTTP/1.1 503 Service Unavailable\r\n\r\npartial"));
        Dialer noTimeout = DIRECT.toBuilder().handshakeTimeout(null).build();
        BadHandshakeException e = catchThrowableOfType(BadHandshakeException.class, () -> noTimeout.dial(url, Map.of()));
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.bodyText()).isEqualTo("partial");
        assertClientClosedTheSocket();
    }

    @Test
    void bodyIsCutAt1024Bytes() throws Exception {
        String big = "x".repeat(5000);
        URI url = scripted(r -> ascii("HTTP/1.1 400 Bad Request\r\nContent-Length: 5000\r\n\r\n" + big));
        BadHandshakeException e = dialExpectingBadHandshake(url);
        assertThat(e.body()).hasSize(1024);
    }

    @Test
    void wrongAcceptKeyIsRejected() throws Exception {
        URI url = scripted(r -> ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + AcceptKey.accept("dGhlIHNhbXBsZSBub25jZQ==") + "\r\n\r\n"));
        BadHandshakeException e = dialExpectingBadHandshake(url);
        assertThat(e.status()).isEqualTo(101);
        assertThat(e.getMessage()).contains("Sec-WebSocket-Accept");
        assertClientClosedTheSocket();
    }

    @Test
    void missingAcceptKeyIsRejected() throws Exception {
        URI url = scripted(r -> ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"));
        assertThat(dialExpectingBadHandshake(url).getMessage()).contains("Sec-WebSocket-Accept");
    }

    @Test
    void missingUpgradeTokenIsRejected() throws Exception {
        URI url = scripted(r -> ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websockets\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept(r) + "\r\n\r\n"));
        assertThat(dialExpectingBadHandshake(url).getMessage()).contains("'Upgrade'");
    }

    @Test
    void missingConnectionTokenIsRejected() throws Exception {
        URI url = scripted(r -> ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: keep-alive\r\n"
                + "Sec-WebSocket-Accept: " + accept(r) + "\r\n\r\n"));
        assertThat(dialExpectingBadHandshake(url).getMessage()).contains("'Connection'");
    }

    @Test
    void subprotocolTheClientDidNotOfferIsRejected() throws Exception {
        URI url = scripted(r -> ascii(switching(r, "Sec-WebSocket-Protocol: chat\r\n")));
        assertThat(dialExpectingBadHandshake(url).getMessage()).contains("subprotocol").contains("chat");
        assertClientClosedTheSocket();
    }

    @Test
    void subprotocolOutsideTheOfferIsRejected() throws Exception {
        URI url = scripted(r -> ascii(switching(r, "Sec-WebSocket-Protocol: p3\r\n")));
        Dialer dialer = DIRECT.toBuilder().subprotocols("p1", "p2").build();
        assertThatThrownBy(() -> dialer.dial(url, Map.of()))
                .isInstanceOf(BadHandshakeException.class)
                .hasMessageContaining("p3");
    }

    @Test
    void extensionTheClientDidNotOfferIsRejected() throws Exception {
        URI url = scripted(r -> ascii(switching(r, "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n")));
        assertThat(dialExpectingBadHandshake(url).getMessage()).contains("permessage-deflate");
        assertThat(requests.poll(5, TimeUnit.SECONDS).values("Sec-WebSocket-Extensions")).isEmpty();
        assertClientClosedTheSocket();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            permessage-deflate                                                                | server_no_context_takeover
            permessage-deflate; server_no_context_takeover; client_max_window_bits=10         | client_max_window_bits
            permessage-deflate; server_no_context_takeover; x=1                               | unknown
            permessage-deflate; server_no_context_takeover, x-other                           | x-other
            permessage-deflate; server_no_context_takeover; server_no_context_takeover        | repeated
            """)
    void compressionAnswersTheClientMustFail(String answer, String reason) throws Exception {
        Dialer compressing = DIRECT.toBuilder().enableCompression(true).compressionNoContextTakeover(true, false).build();
        URI url = scripted(r -> ascii(switching(r, "Sec-WebSocket-Extensions: " + answer + "\r\n")));
        BadHandshakeException e = catchThrowableOfType(BadHandshakeException.class, () -> compressing.dial(url, Map.of()));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains(reason);
        assertThat(e.status()).isEqualTo(101);
        assertThat(e.headers()).containsKey("Sec-WebSocket-Extensions");
        assertThat(requests.poll(5, TimeUnit.SECONDS).values("Sec-WebSocket-Extensions"))
                .containsExactly("permessage-deflate; server_no_context_takeover");
        assertClientClosedTheSocket();
    }

    @Test
    void malformedStatusLineIsABadHandshake() throws Exception {
        URI url = scripted(r -> ascii("SSH-2.0-OpenSSH_9.6\r\n\r\n"));
        BadHandshakeException e = dialExpectingBadHandshake(url);
        assertThat(e.status()).isZero();
        assertThat(e.getMessage()).contains("status line");
    }

    @Test
    void oversizedResponseHeadIsABadHandshake() throws Exception {
        URI url = scripted(r -> ascii(switching(r, "X-Padding: " + "p".repeat(9000) + "\r\n")));
        assertThat(dialExpectingBadHandshake(url).getMessage()).contains("larger than 8192");
        assertClientClosedTheSocket();
    }

    @Test
    void serverClosingBeforeAnsweringIsAnEof() throws Exception {
        server = TestServer.start(socket -> RequestHead.read(socket.getInputStream()));
        assertThatThrownBy(() -> DIRECT.dial(server.uri("ws", "/"), Map.of())).isInstanceOf(EOFException.class);
    }

    @Test
    void connectionRefusedIsReported() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> DIRECT.dial(URI.create("ws://127.0.0.1:" + port + "/"), Map.of()))
                .isInstanceOf(ConnectException.class);
    }

    // --- timeouts (gorilla B27, B28) ---

    @Test
    void handshakeTimeoutFiresWhenTheServerNeverAnswers() throws Exception {
        URI url = scripted(r -> new byte[0]);
        Dialer dialer = DIRECT.toBuilder().handshakeTimeout(Duration.ofMillis(300)).build();
        assertThatThrownBy(() -> dialer.dial(url, Map.of()))
                .isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("did not finish within")
                .hasCauseInstanceOf(SocketTimeoutException.class);
        assertClientClosedTheSocket();
    }

    @Test
    void negativeHandshakeTimeoutFailsAtOnce() throws Exception {
        URI url = scripted(r -> new byte[0]);
        Dialer dialer = DIRECT.toBuilder().handshakeTimeout(Duration.ofSeconds(-1)).build();
        assertThatThrownBy(() -> dialer.dial(url, Map.of())).isInstanceOf(SocketTimeoutException.class);
        assertThat(server.acceptedCount()).isZero();
    }

    // --- refused before connecting (gorilla B30, B32) ---

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1/", "https://127.0.0.1/", "ftp://127.0.0.1/", "ws://user:secret@127.0.0.1/",
            "ws://user@127.0.0.1/", "ws:opaque", "ws:///nohost"})
    void malformedUrlsAreRefused(String url) {
        assertThatThrownBy(() -> DIRECT.dial(URI.create(url), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed ws or wss URL")
                .hasMessageNotContaining("secret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Upgrade", "Connection", "Sec-WebSocket-Key", "sec-websocket-version", "Sec-Websocket-Extensions"})
    void reservedHeadersAreRefused(String name) {
        assertThatThrownBy(() -> DIRECT.dial(URI.create("ws://127.0.0.1:1/"), Map.of(name, List.of("x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("websocket: duplicate header not allowed: " + name);
    }

    @Test
    void protocolHeaderIsRefusedWhenSubprotocolsAreConfigured() {
        Dialer dialer = DIRECT.toBuilder().subprotocols("p1").build();
        assertThatThrownBy(() -> dialer.dial(URI.create("ws://127.0.0.1:1/"), Map.of("Sec-WebSocket-Protocol", List.of("p2"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("websocket: duplicate header not allowed: Sec-WebSocket-Protocol");
    }

    @Test
    void headerInjectionIsRefused() {
        assertThatThrownBy(() -> DIRECT.dial(URI.create("ws://127.0.0.1:1/"), Map.of("X-Evil", List.of("a\r\nInjected: 1"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DIRECT.dial(URI.create("ws://127.0.0.1:1/"), Map.of("Bad Name", List.of("a"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void subprotocolsMustBeTokens() {
        assertThatThrownBy(() -> Dialer.builder().subprotocols("a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Dialer.builder().subprotocols("")).isInstanceOf(IllegalArgumentException.class);
    }

    // --- successful handshakes (need the Conn) ---

    @Test
    void requestCarriesTheRfcHeadersAndTheCallersHeaders() throws Exception {
        URI url = scripted(r -> ascii(switching(r, "Sec-WebSocket-Protocol: p2\r\nSet-Cookie: id=7\r\n")));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Origin", List.of("http://example.test"));
        headers.put("Cookie", List.of("a=1"));
        headers.put("X-Multi", List.of("one", "two"));
        Dialer dialer = DIRECT.toBuilder().subprotocols("p1", "p2").build();

        DialResult result = dialer.dialWithResponse(url, headers);
        try (Conn conn = result.conn()) {
            assertThat(conn.subprotocol()).isEqualTo("p2");
            assertThat(result.response().status()).isEqualTo(101);
            assertThat(result.response().header("set-cookie")).isEqualTo("id=7");
        }
        RequestHead request = requests.poll(5, TimeUnit.SECONDS);
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.target()).isEqualTo("/chat?room=1");
        assertThat(request.header("Host")).isEqualTo("127.0.0.1:" + server.port());
        assertThat(request.header("Upgrade")).isEqualTo("websocket");
        assertThat(request.header("Connection")).isEqualTo("Upgrade");
        assertThat(request.header("Sec-WebSocket-Version")).isEqualTo("13");
        assertThat(AcceptKey.isValidClientKey(request.header("Sec-WebSocket-Key"))).isTrue();
        assertThat(request.values("Sec-WebSocket-Protocol")).containsExactly("p1, p2");
        assertThat(request.header("Origin")).isEqualTo("http://example.test");
        assertThat(request.header("Cookie")).isEqualTo("a=1");
        assertThat(request.values("X-Multi")).containsExactly("one", "two");
        assertThat(request.values("Sec-WebSocket-Extensions")).isEmpty();
    }

    @Test
    void cookieHandlerSendsAndStoresCookies() throws Exception {
        // gorilla B25 (TestDialCookieJar), with a java.net.CookieManager as the jar.
        URI url = scripted(r -> ascii(switching(r, "Set-Cookie: session=abc; Path=/\r\n")));
        CookieManager jar = new CookieManager();
        URI site = URI.create("http://127.0.0.1:" + server.port() + "/");
        HttpCookie stored = new HttpCookie("pre", "1");
        stored.setPath("/");
        stored.setVersion(0);
        jar.getCookieStore().add(site, stored);

        Dialer dialer = DIRECT.toBuilder().cookieHandler(jar).build();
        dialer.dial(url, Map.of("Cookie", List.of("caller=2"))).close();

        assertThat(requests.poll(5, TimeUnit.SECONDS).values("Cookie")).containsExactly("caller=2; pre=1");
        assertThat(jar.getCookieStore().get(site)).extracting(HttpCookie::getName).contains("session");
    }

    @Test
    void withoutACookieHandlerCookiesAreNeitherSentNorStored() throws Exception {
        URI url = scripted(r -> ascii(switching(r, "Set-Cookie: session=abc\r\n")));
        DIRECT.dial(url, Map.of()).close();
        assertThat(requests.poll(5, TimeUnit.SECONDS).values("Cookie")).isEmpty();
    }

    @Test
    void eachDialUsesAFreshKey() throws Exception {
        URI url = scripted(r -> ascii(switching(r, "")));
        DIRECT.dial(url, Map.of()).close();
        DIRECT.dial(url, Map.of()).close();
        String first = requests.poll(5, TimeUnit.SECONDS).header("Sec-WebSocket-Key");
        String second = requests.poll(5, TimeUnit.SECONDS).header("Sec-WebSocket-Key");
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void hostHeaderOverrideAndProtocolPassThrough() throws Exception {
        URI url = scripted(r -> ascii(switching(r, "")));
        try (Conn conn = DIRECT.dial(url, Map.of("Host", List.of("virtual.example:8443"),
                "Sec-WebSocket-Protocol", List.of("raw")))) {
            // No subprotocols configured: the caller's header is passed through, and the server chose none.
            assertThat(conn.subprotocol()).isEmpty();
        }
        RequestHead request = requests.poll(5, TimeUnit.SECONDS);
        assertThat(request.header("Host")).isEqualTo("virtual.example:8443");
        assertThat(request.header("Sec-WebSocket-Protocol")).isEqualTo("raw");
    }

    @Test
    void emptyPathBecomesSlash() throws Exception {
        scripted(r -> ascii(switching(r, "")));
        try (Conn conn = DIRECT.dial(URI.create("ws://127.0.0.1:" + server.port()), Map.of())) {
            assertThat(conn.remoteAddr()).isEqualTo(server.address());
        }
        assertThat(requests.poll(5, TimeUnit.SECONDS).target()).isEqualTo("/");
    }

    @Test
    void extraTokensInTheResponseHeadersAreAccepted() throws Exception {
        URI url = scripted(r -> ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo, websocket\r\n"
                + "Connection: upgrade, keep-alive\r\nSec-WebSocket-Accept: " + accept(r) + "\r\n\r\n"));
        try (Conn conn = DIRECT.dial(url, Map.of())) {
            assertThat(conn.subprotocol()).isEmpty();
        }
    }

    @Test
    void framesSentRightAfterThe101AreDelivered() throws Exception {
        // The 101, a text frame "early" and a close frame 1000 arrive in one write.
        URI url = scripted(r -> {
            byte[] head = ascii(switching(r, ""));
            byte[] frames = {(byte) 0x81, 5, 'e', 'a', 'r', 'l', 'y', (byte) 0x88, 2, 0x03, (byte) 0xe8};
            byte[] all = new byte[head.length + frames.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(frames, 0, all, head.length, frames.length);
            return all;
        });
        try (Conn conn = DIRECT.toBuilder().readBufferSize(1024).build().dial(url, Map.of())) {
            Message m = conn.readMessage();
            assertThat(m.messageType()).isEqualTo(WebSocket.TEXT_MESSAGE);
            assertThat(m.text()).isEqualTo("early");
            assertThatThrownBy(conn::readMessage)
                    .isInstanceOfSatisfying(CloseException.class, e -> assertThat(e.code()).isEqualTo(1000));
        }
    }

    @Test
    void socketIsClosedWhenTheDialerGivesUp() throws Exception {
        // A server that answers nothing useful: the client must not leak the socket.
        server = TestServer.start(socket -> {
            RequestHead.read(socket.getInputStream());
            socket.getOutputStream().write(ascii("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
            socket.setSoTimeout(20_000);
            if (socket.getInputStream().read() < 0) {
                clientClosed.countDown();
            }
        });
        assertThat(dialExpectingBadHandshake(server.uri("ws", "/")).status()).isEqualTo(404);
        assertClientClosedTheSocket();
    }

    @Test
    void ipv6UrlsKeepBracketsInTheHostHeader() {
        DialTarget t = DialTarget.of(URI.create("wss://[::1]:9443/x?y=1#frag"));
        assertThat(t.host()).isEqualTo("::1");
        assertThat(t.port()).isEqualTo(9443);
        assertThat(t.authority()).isEqualTo("[::1]:9443");
        assertThat(t.hostPort()).isEqualTo("[::1]:9443");
        assertThat(t.requestTarget()).isEqualTo("/x?y=1");
    }

    @Test
    void defaultPortsFollowTheScheme() {
        // gorilla B59 (TestHostPortNoPort)
        assertThat(DialTarget.of(URI.create("ws://example.com")).port()).isEqualTo(80);
        assertThat(DialTarget.of(URI.create("wss://example.com")).port()).isEqualTo(443);
        assertThat(DialTarget.of(URI.create("ws://example.com:8080")).port()).isEqualTo(8080);
        assertThat(DialTarget.of(URI.create("wss://example.com")).authority()).isEqualTo("example.com");
        assertThat(DialTarget.of(URI.create("wss://example.com")).hostPort()).isEqualTo("example.com:443");
    }
}
