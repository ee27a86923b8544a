package dev.conduit.websocket.server;

import dev.conduit.websocket.HandshakeException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Every handshake answer of the Upgrader, through a real Tomcat and a raw socket. */
class UpgraderHandshakeTest {
    final BlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();
    TestServer server;

    TestServer.Container container() {
        return TestServer.Container.TOMCAT;
    }

    /** A plain servlet as a user writes it. */
    final class UpgradeServlet extends HttpServlet {
        final Upgrader upgrader;
        final Map<String, List<String>> responseHeaders;

        UpgradeServlet(Upgrader upgrader, Map<String, List<String>> responseHeaders) {
            this.upgrader = upgrader;
            this.responseHeaders = responseHeaders;
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            try {
                upgrader.upgrade(req, resp, responseHeaders, conn -> outcomes.add("handler ran"));
            } catch (HandshakeException e) {
                outcomes.add(e);
            }
        }
    }

    int start(Upgrader upgrader) {
        return start(upgrader, null);
    }

    int start(Upgrader upgrader, Map<String, List<String>> responseHeaders) {
        started = upgrader;
        server = TestServer.start(container(), new UpgradeServlet(upgrader, responseHeaders), 50);
        return server.port();
    }

    /** The upgrader of the test, closed after it (its transport's threads). */
    Upgrader started;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (started != null) {
            started.close();
        }
    }

    RawHttp refused(int port, String request, int status) throws Exception {
        RawHttp r = RawHttp.exchange(port, request);
        assertThat(r.status).as(r.body).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("text/plain");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        Object thrown = outcomes.poll(5, TimeUnit.SECONDS);
        assertThat(thrown).isInstanceOf(HandshakeException.class);
        assertThat(((HandshakeException) thrown).status()).isEqualTo(status);
        assertThat(r.body).isEqualTo(((HandshakeException) thrown).getMessage() + "\n");
        return r;
    }

    @Test
    void postIs405WithAllowGet() throws Exception {
        int port = start(Upgrader.builder().build());
        RawHttp r = refused(port, RawHttp.validRequest(port).replace("GET ", "POST ")
                .replace("\r\n\r\n", "\r\nContent-Length: 0\r\n\r\n"), 405);
        assertThat(r.header("Allow")).isEqualTo("GET");
        assertThat(r.body).contains("request method is POST, not GET");
    }

    @Test
    void noUpgradeHeaderIs426WithUpgradeWebsocket() throws Exception {
        int port = start(Upgrader.builder().build());
        RawHttp r = refused(port, RawHttp.validRequest(port).replace("Upgrade: websocket\r\n", ""), 426);
        assertThat(r.header("Upgrade")).isEqualTo("websocket");
        assertThat(r.body).contains("no 'Upgrade' header");
    }

    @Test
    void wrongUpgradeOrConnectionIs400() throws Exception {
        int port = start(Upgrader.builder().build());
        RawHttp r = refused(port, RawHttp.validRequest(port).replace("Upgrade: websocket", "Upgrade: h2c"), 400);
        assertThat(r.body).contains("'websocket' token not found in 'Upgrade' header");
        r = refused(port, RawHttp.validRequest(port).replace("Connection: Upgrade", "Connection: keep-alive"), 400);
        assertThat(r.body).contains("'upgrade' token not found in 'Connection' header");
    }

    @Test
    void versionNot13Is426WithTheSupportedVersion() throws Exception {
        int port = start(Upgrader.builder().build());
        RawHttp r = refused(port, RawHttp.validRequest(port).replace("Version: 13", "Version: 8"), 426);
        assertThat(r.header("Sec-WebSocket-Version")).isEqualTo("13");
        assertThat(r.body).contains("13 not found in 'Sec-WebSocket-Version' header");
    }

    @Test
    void missingOrMalformedKeyIs400() throws Exception {
        int port = start(Upgrader.builder().build());
        RawHttp r = refused(port, RawHttp.validRequest(port).replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", ""), 400);
        assertThat(r.body).contains("'Sec-WebSocket-Key' header is missing");
        r = refused(port, RawHttp.validRequest(port).replace("dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ="), 400);
        assertThat(r.body).contains("Base64 encoded value of 16-byte");
    }

    @Test
    void http10Is400() throws Exception {
        int port = start(Upgrader.builder().build());
        RawHttp r = refused(port, RawHttp.validRequest(port).replace("HTTP/1.1", "HTTP/1.0"), 400);
        assertThat(r.body).contains("needs HTTP/1.1").contains("HTTP/1.0");
    }

    @Test
    void noHostIs400() throws Exception {
        int port = start(Upgrader.builder().build());
        // Tomcat itself answers 400 to an HTTP/1.1 request without Host before any servlet runs;
        // Undertow lets it through to the Upgrader.
        RawHttp r = RawHttp.exchange(port, RawHttp.validRequest(port).replace("Host: 127.0.0.1:" + port + "\r\n", ""));
        assertThat(r.status).isEqualTo(400);
        Object outcome = outcomes.poll(200, TimeUnit.MILLISECONDS);
        if (outcome != null) {
            assertThat(((HandshakeException) outcome).getMessage()).contains("'Host' header is missing");
            assertThat(r.body).contains("'Host' header is missing");
        }
    }

    @Test
    void foreignOriginIs403AndSameOriginOrPatternPasses() throws Exception {
        int port = start(Upgrader.builder().allowedOriginPatterns("https://*.example.com").build());
        RawHttp r = refused(port, RawHttp.validRequest(port, "Origin: http://evil.test"), 403);
        assertThat(r.body).contains("origin not allowed by same-origin or patterns [https://*.example.com]");
        refused(port, RawHttp.validRequest(port, "Origin: null"), 403);
        refused(port, RawHttp.validRequest(port, "Origin: http://127.0.0.1:" + (port + 1)), 403);

        for (String origin : List.of("http://127.0.0.1:" + port, "https://app.example.com")) {
            RawHttp ok = RawHttp.exchange(port, RawHttp.validRequest(port, "Origin: " + origin));
            assertThat(ok.status).as(origin).isEqualTo(101);
            ok.socket.close();
        }
        RawHttp noOrigin = RawHttp.exchange(port, RawHttp.validRequest(port));
        assertThat(noOrigin.status).isEqualTo(101);
        noOrigin.socket.close();
    }

    @Test
    void customOriginCheckReplacesTheDefault() throws Exception {
        int port = start(Upgrader.builder().checkOrigin(req -> "yes".equals(req.getHeader("X-Allow"))).build());
        refused(port, RawHttp.validRequest(port), 403);
        RawHttp ok = RawHttp.exchange(port, RawHttp.validRequest(port, "X-Allow: yes", "Origin: http://evil.test"));
        assertThat(ok.status).isEqualTo(101);
        ok.socket.close();
    }

    @Test
    void customErrorHandlerWritesItsOwnAnswer() throws Exception {
        int port = start(Upgrader.builder().errorHandler((req, resp, error) -> {
            resp.setStatus(error.status());
            resp.setContentType("application/json");
            resp.getWriter().write("{\"status\":" + error.status() + "}");
        }).build());
        RawHttp r = RawHttp.exchange(port, RawHttp.validRequest(port).replace("Version: 13", "Version: 7"));
        assertThat(r.status).isEqualTo(426);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(outcomes.poll(5, TimeUnit.SECONDS)).isInstanceOf(HandshakeException.class);
    }

    @Test
    void applicationExtensionsHeaderIs500() throws Exception {
        int port = start(Upgrader.builder().build(), Map.of("Sec-WebSocket-Extensions", List.of("permessage-deflate")));
        RawHttp r = refused(port, RawHttp.validRequest(port), 500);
        assertThat(r.body).contains("'Sec-WebSocket-Extensions' headers are unsupported");
    }

    @Test
    void acceptsWith101AcceptKeyClientPreferredSubprotocolAndSafeResponseHeaders() throws Exception {
        Map<String, List<String>> extra = new LinkedHashMap<>();
        extra.put("Set-Cookie", List.of("a=1"));
        extra.put("X-Bad", List.of("a\r\nInjected: 1"));
        int port = start(Upgrader.builder().subprotocols("v1", "v2", "v3").enableCompression(true).build(), extra);
        RawHttp r = RawHttp.exchange(port, RawHttp.validRequest(port, "Sec-WebSocket-Protocol: x, v3",
                "Sec-WebSocket-Protocol: v1", "Sec-WebSocket-Extensions: permessage-deflate"));
        assertThat(r.status).isEqualTo(101);
        assertThat(r.header("Upgrade")).isEqualToIgnoringCase("websocket");
        assertThat(r.header("Connection")).isEqualToIgnoringCase("Upgrade");
        assertThat(r.header("Sec-WebSocket-Accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assertThat(r.header("Sec-WebSocket-Protocol")).isEqualTo("v3");
        assertThat(r.header("Sec-WebSocket-Extensions")).isEqualTo("permessage-deflate");
        assertThat(r.header("Set-Cookie")).isEqualTo("a=1");
        assertThat(r.header("X-Bad")).isEqualTo("a  Injected: 1");
        assertThat(r.headers).doesNotContainKey("injected");
        r.socket.close();
    }
}
