package dev.conduit.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.websocket.BadHandshakeException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.client.Dialer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Behind a proxy that rewrites {@code Host} (here: the request reaches 127.0.0.1 while the browser
 * used https://chat.example.com), the same-origin check uses the forwarded scheme, host and port
 * when {@code server.forward-headers-strategy} trusts them, and the raw {@code Host} otherwise.
 */
class ForwardedOriginIntegrationTests {

    @Test
    void nativeStrategyTakesXForwardedHostProtoAndPort() throws Exception {
        try (ConfigurableApplicationContext app = start("native")) {
            int port = port(app);
            assertEchoes(port, "https://chat.example.com", "X-Forwarded-Host", "chat.example.com", "X-Forwarded-Proto", "https");
            assertEchoes(port, "https://chat.example.com:8443", "X-Forwarded-Host", "chat.example.com",
                    "X-Forwarded-Proto", "https", "X-Forwarded-Port", "8443");
            assertRefused(port, "https://chat.example.com", "X-Forwarded-Host", "chat.example.com",
                    "X-Forwarded-Proto", "https", "X-Forwarded-Port", "8443");
            assertRefused(port, "https://evil.example", "X-Forwarded-Host", "chat.example.com", "X-Forwarded-Proto", "https");
        }
    }

    @Test
    void frameworkStrategyTakesXForwardedAndForwarded() throws Exception {
        try (ConfigurableApplicationContext app = start("framework")) {
            int port = port(app);
            assertEchoes(port, "https://chat.example.com", "X-Forwarded-Host", "chat.example.com", "X-Forwarded-Proto", "https");
            assertEchoes(port, "https://chat.example.com", "Forwarded", "proto=https;host=chat.example.com");
            assertEchoes(port, "http://chat.example.com:8080", "Forwarded", "proto=http;host=\"chat.example.com:8080\"");
            assertRefused(port, "https://chat.example.com:8443", "Forwarded", "proto=https;host=chat.example.com");
            assertRefused(port, "https://evil.example", "Forwarded", "proto=https;host=chat.example.com");
        }
    }

    @Test
    void withoutAStrategyForwardedHeadersAreNotTrusted() throws Exception {
        try (ConfigurableApplicationContext app = start("none")) {
            int port = port(app);
            assertRefused(port, "https://chat.example.com", "X-Forwarded-Host", "chat.example.com", "X-Forwarded-Proto", "https");
            assertRefused(port, "https://chat.example.com", "Forwarded", "proto=https;host=chat.example.com");
            assertEchoes(port, "http://127.0.0.1:" + port); // the raw Host still counts
        }
    }

    private static ConfigurableApplicationContext start(String strategy) {
        return new SpringApplicationBuilder(TestApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "server.forward-headers-strategy=" + strategy)
                .run();
    }

    private static int port(ConfigurableApplicationContext app) {
        return app.getEnvironment().getProperty("local.server.port", Integer.class);
    }

    private static void assertEchoes(int port, String origin, String... headers) throws Exception {
        Conn conn = Dialer.defaultDialer().dial(URI.create("ws://127.0.0.1:" + port + "/open/echo"), headers(origin, headers));
        conn.writeMessage(WebSocket.TEXT_MESSAGE, "hi".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(conn.readMessage().data(), StandardCharsets.UTF_8)).isEqualTo("hi");
        conn.close(WebSocket.CLOSE_NORMAL_CLOSURE, "", Duration.ofSeconds(5));
    }

    private static void assertRefused(int port, String origin, String... headers) {
        assertThatThrownBy(() -> Dialer.defaultDialer().dial(URI.create("ws://127.0.0.1:" + port + "/open/echo"), headers(origin, headers)))
                .isInstanceOfSatisfying(BadHandshakeException.class, e -> assertThat(e.status()).isEqualTo(403));
    }

    private static Map<String, List<String>> headers(String origin, String... pairs) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Origin", List.of(origin));
        for (int i = 0; i < pairs.length; i += 2) {
            headers.put(pairs[i], List.of(pairs[i + 1]));
        }
        return headers;
    }
}
