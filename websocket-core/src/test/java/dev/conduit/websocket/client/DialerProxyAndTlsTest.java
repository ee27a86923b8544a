package dev.conduit.websocket.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.websocket.BadHandshakeException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.testing.ConnectProxy;
import dev.conduit.websocket.testing.RequestHead;
import dev.conduit.websocket.testing.SelfSignedCertificate;
import dev.conduit.websocket.testing.Socks5Proxy;
import dev.conduit.websocket.testing.TestServer;
import dev.conduit.websocket.testing.WebSocketTestServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Dialer through HTTP CONNECT proxies and over TLS, against real sockets (gorilla B22, B23,
 * B26, B37, B39, B43, B46, B49, B56, B57, B58).
 */
class DialerProxyAndTlsTest {
    private static final Dialer DIRECT = Dialer.builder().proxySelector(null).handshakeTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    static Path keys;
    private static SelfSignedCertificate localhostCert;

    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void makeCertificate() throws Exception {
        localhostCert = SelfSignedCertificate.generate(keys, "dns:localhost");
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        toClose.add(c);
        return c;
    }

    private static void assertEcho(Conn conn) throws IOException {
        conn.writeMessage(WebSocket.TEXT_MESSAGE, "through".getBytes(StandardCharsets.UTF_8));
        Message m = conn.readMessage();
        assertThat(m.messageType()).isEqualTo(WebSocket.TEXT_MESSAGE);
        assertThat(m.text()).isEqualTo("through");
    }

    // --- HTTP CONNECT proxies ---

    @Test
    void dialsThroughAnExplicitHttpProxy() throws Exception {
        WebSocketTestServer backend = closeLater(WebSocketTestServer.start(WebSocketTestServer.echo()));
        ConnectProxy proxy = closeLater(ConnectProxy.start(null));
        Dialer dialer = DIRECT.toBuilder().proxy(proxy.uri()).build();
        try (Conn conn = dialer.dial(backend.uri("ws", "/echo"), Map.of())) {
            assertEcho(conn);
        }
        RequestHead connect = proxy.requests().get(0);
        assertThat(connect.method()).isEqualTo("CONNECT");
        assertThat(connect.target()).isEqualTo("127.0.0.1:" + backend.port());
        assertThat(connect.header("Host")).isEqualTo("127.0.0.1:" + backend.port());
        assertThat(connect.header("Proxy-Authorization")).isNull();
        assertThat(backend.requests().poll(5, TimeUnit.SECONDS).target()).isEqualTo("/echo");
    }

    @Test
    void sendsBasicProxyAuthorizationFromTheProxyUri() throws Exception {
        String expected = "Basic " + Base64.getEncoder().encodeToString("alice:s3cr et".getBytes(StandardCharsets.UTF_8));
        WebSocketTestServer backend = closeLater(WebSocketTestServer.start(WebSocketTestServer.echo()));
        ConnectProxy proxy = closeLater(ConnectProxy.start(expected));
        URI withCredentials = URI.create("http://alice:s3cr%20et@127.0.0.1:" + proxy.port());
        try (Conn conn = DIRECT.toBuilder().proxy(withCredentials).build().dial(backend.uri("ws", "/"), Map.of())) {
            assertEcho(conn);
        }
        assertThat(proxy.requests().get(0).header("Proxy-Authorization")).isEqualTo(expected);
    }

    @Test
    void proxyRefusalIsReportedWithItsStatus() throws Exception {
        WebSocketTestServer backend = closeLater(WebSocketTestServer.start(WebSocketTestServer.echo()));
        ConnectProxy proxy = closeLater(ConnectProxy.start("Basic bm9ib2R5Og=="));
        Dialer dialer = DIRECT.toBuilder().proxy(proxy.uri()).build();
        assertThatThrownBy(() -> dialer.dial(backend.uri("ws", "/"), Map.of()))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(BadHandshakeException.class)
                .hasMessageContaining("407 Proxy Authentication Required");
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void usesTheProxySelectorWithTheHttpFormOfTheUrl() throws Exception {
        WebSocketTestServer backend = closeLater(WebSocketTestServer.start(WebSocketTestServer.echo()));
        ConnectProxy proxy = closeLater(ConnectProxy.start(null));
        BlockingQueue<URI> asked = new LinkedBlockingQueue<>();
        ProxySelector selector = new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                asked.add(uri);
                return List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("127.0.0.1", proxy.port())));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            }
        };
        try (Conn conn = DIRECT.toBuilder().proxySelector(selector).build().dial(backend.uri("ws", "/x"), Map.of())) {
            assertEcho(conn);
        }
        assertThat(asked.poll()).isEqualTo(URI.create("http://127.0.0.1:" + backend.port() + "/"));
        assertThat(proxy.requests()).hasSize(1);
    }

    @Test
    void proxySelectorAnsweringDirectIsNotAProxy() throws Exception {
        WebSocketTestServer backend = closeLater(WebSocketTestServer.start(WebSocketTestServer.echo()));
        ProxySelector direct = new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return List.of(Proxy.NO_PROXY);
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            }
        };
        try (Conn conn = DIRECT.toBuilder().proxySelector(direct).build().dial(backend.uri("ws", "/"), Map.of())) {
            assertEcho(conn);
        }
    }

    @Test
    void unknownProxySchemesAreRefused() {
        assertThatThrownBy(() -> Dialer.builder().proxy(URI.create("ftp://127.0.0.1:21")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("proxy: unknown scheme: ftp");
    }

    @Test
    void wssThroughAnHttpProxy() throws Exception {
        WebSocketTestServer backend = closeLater(WebSocketTestServer.start(localhostCert.serverContext(), List.of(), WebSocketTestServer.echo()));
        ConnectProxy proxy = closeLater(ConnectProxy.start(null));
        Dialer dialer = DIRECT.toBuilder().proxy(proxy.uri()).sslContext(localhostCert.clientContext()).build();
        try (Conn conn = dialer.dial(URI.create("wss://localhost:" + backend.port() + "/"), Map.of())) {
            assertEcho(conn);
        }
        assertThat(proxy.requests().get(0).target()).isEqualTo("localhost:" + backend.port());
    }

    // --- SOCKS5 (gorilla B39) ---

    @Test
    void dialsThroughASocks5ProxyGivenByUri() throws Exception {
        WebSocketTestServer backend = closeLater(WebSocketTestServer.start(WebSocketTestServer.echo()));
        Socks5Proxy socks = closeLater(Socks5Proxy.start());
        Dialer dialer = DIRECT.toBuilder().proxy(URI.create("socks5://127.0.0.1:" + socks.port())).build();
        try (Conn conn = dialer.dial(backend.uri("ws", "/"), Map.of())) {
            assertEcho(conn);
        }
        assertThat(socks.targets()).containsExactly("127.0.0.1:" + backend.port());
    }

    @Test
    void dialsThroughASocksProxyFromTheSelector() throws Exception {
        WebSocketTestServer backend = closeLater(WebSocketTestServer.start(WebSocketTestServer.echo()));
        Socks5Proxy socks = closeLater(Socks5Proxy.start());
        ProxySelector selector = new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return List.of(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", socks.port())));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            }
        };
        try (Conn conn = DIRECT.toBuilder().proxySelector(selector).build().dial(backend.uri("ws", "/"), Map.of())) {
            assertEcho(conn);
        }
        assertThat(socks.targets()).hasSize(1);
    }

    @Test
    void unreachableProxyIsReportedToTheSelector() throws Exception {
        int deadPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        BlockingQueue<SocketAddress> failed = new LinkedBlockingQueue<>();
        ProxySelector selector = new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return List.of(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", deadPort)));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
                failed.add(sa);
            }
        };
        assertThatThrownBy(() -> DIRECT.toBuilder().proxySelector(selector).build().dial(URI.create("ws://127.0.0.1:1/"), Map.of()))
                .isInstanceOf(java.net.ConnectException.class);
        assertThat(failed.poll()).isEqualTo(new InetSocketAddress("127.0.0.1", deadPort));
    }

    // --- TLS ---

    @Test
    void wssWithATrustedSelfSignedCertificate() throws Exception {
        WebSocketTestServer backend = closeLater(WebSocketTestServer.start(localhostCert.serverContext(), List.of("p1"), WebSocketTestServer.echo()));
        Dialer dialer = DIRECT.toBuilder().sslContext(localhostCert.clientContext()).subprotocols("p1", "p2").build();
        try (Conn conn = dialer.dial(URI.create("wss://localhost:" + backend.port() + "/secure"), Map.of())) {
            assertThat(conn.subprotocol()).isEqualTo("p1");
            assertEcho(conn);
        }
        assertThat(backend.requests().poll(5, TimeUnit.SECONDS).header("Host")).isEqualTo("localhost:" + backend.port());
    }

    @Test
    void hostNameVerificationRejectsACertificateForAnotherHost() throws Exception {
        // The certificate names localhost only; dialing the IP address must fail verification.
        WebSocketTestServer backend = closeLater(WebSocketTestServer.start(localhostCert.serverContext(), List.of(), WebSocketTestServer.echo()));
        Dialer dialer = DIRECT.toBuilder().sslContext(localhostCert.clientContext()).build();
        assertThatThrownBy(() -> dialer.dial(URI.create("wss://127.0.0.1:" + backend.port() + "/"), Map.of()))
                .isInstanceOf(SSLHandshakeException.class);
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void untrustedCertificateIsRejectedByTheDefaultContext() throws Exception {
        WebSocketTestServer backend = closeLater(WebSocketTestServer.start(localhostCert.serverContext(), List.of(), WebSocketTestServer.echo()));
        assertThatThrownBy(() -> DIRECT.dial(URI.create("wss://localhost:" + backend.port() + "/"), Map.of()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void sendsTheUrlHostAsServerNameIndication() throws Exception {
        BlockingQueue<List<SNIServerName>> serverNames = new LinkedBlockingQueue<>();
        BlockingQueue<String> alpn = new LinkedBlockingQueue<>();
        SSLContext serverTls = localhostCert.serverContext();
        TestServer server = closeLater(TestServer.startTls(serverTls, socket -> {
            SSLSocket tls = (SSLSocket) socket;
            SSLParameters params = tls.getSSLParameters();
            // A server that prefers HTTP/2 (gorilla B43's pitfall): the client must only offer http/1.1.
            params.setApplicationProtocols(new String[] {"h2", "http/1.1"});
            tls.setSSLParameters(params);
            tls.startHandshake();
            serverNames.add(((ExtendedSSLSession) tls.getSession()).getRequestedServerNames());
            alpn.add(String.valueOf(tls.getApplicationProtocol()));
            RequestHead.read(tls.getInputStream());
            tls.getOutputStream().write("HTTP/1.1 418 I'm a teapot\r\nContent-Length: 3\r\n\r\ntea".getBytes(StandardCharsets.US_ASCII));
            tls.getOutputStream().flush();
        }));
        Dialer dialer = DIRECT.toBuilder().sslContext(localhostCert.clientContext()).build();
        assertThatThrownBy(() -> dialer.dial(URI.create("wss://localhost:" + server.port() + "/"), Map.of()))
                .isInstanceOfSatisfying(BadHandshakeException.class, e -> {
                    assertThat(e.status()).isEqualTo(418);
                    assertThat(e.bodyText()).isEqualTo("tea");
                });
        assertThat(serverNames.poll(5, TimeUnit.SECONDS)).containsExactly(new SNIHostName("localhost"));
        assertThat(alpn.poll(5, TimeUnit.SECONDS)).isEqualTo("http/1.1");
    }

    @Test
    void hostHeaderOverrideChangesNeitherTheAddressNorTheVerifiedName() throws Exception {
        // gorilla B37 (TestHost): the Host header is the caller's, TLS still verifies the URL host.
        WebSocketTestServer backend = closeLater(WebSocketTestServer.start(localhostCert.serverContext(), List.of(), WebSocketTestServer.echo()));
        Dialer dialer = DIRECT.toBuilder().sslContext(localhostCert.clientContext()).build();
        try (Conn conn = dialer.dial(URI.create("wss://localhost:" + backend.port() + "/"), Map.of("Host", List.of("other.example")))) {
            assertEcho(conn);
        }
        assertThat(backend.requests().poll(5, TimeUnit.SECONDS).header("Host")).isEqualTo("other.example");
    }

    @Test
    void tlsHandshakeTimesOutAgainstAServerThatNeverSpeaksTls() throws Exception {
        // A plain TCP server that reads and never answers: the ClientHello goes unanswered.
        TestServer silent = closeLater(TestServer.start(socket -> {
            socket.setSoTimeout(20_000);
            while (socket.getInputStream().read() >= 0) {
                // swallow
            }
        }));
        Dialer dialer = DIRECT.toBuilder().handshakeTimeout(Duration.ofMillis(300)).sslContext(localhostCert.clientContext()).build();
        assertThatThrownBy(() -> dialer.dial(URI.create("wss://localhost:" + silent.port() + "/"), Map.of()))
                .isInstanceOf(java.net.SocketTimeoutException.class)
                .hasMessageContaining("did not finish within");
    }
}
