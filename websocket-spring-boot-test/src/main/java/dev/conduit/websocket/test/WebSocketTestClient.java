package dev.conduit.websocket.test;

import dev.conduit.websocket.BadHandshakeException;
import dev.conduit.websocket.client.Dialer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.core.env.Environment;

/**
 * Opens WebSocket connections to the application's own running server: {@code ws://localhost:<local.server.port><context path><path>}.
 * The port is read at each connection, so the client works as a bean injected before the server
 * started ({@code @SpringBootTest(webEnvironment = RANDOM_PORT)} with {@link AutoConfigureWebSocketTestClient}).
 *
 * <pre>{@code
 * @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
 * @AutoConfigureWebSocketTestClient
 * class EchoTests {
 *     @Autowired WebSocketTestClient ws;
 *
 *     @Test
 *     void echoes() throws Exception {
 *         try (TestConnection conn = ws.connect("/echo")) {
 *             conn.sendText("hello").expectText("hello");
 *             conn.close(1000).expectClose(1000);
 *         }
 *     }
 * }
 * }</pre>
 */
public final class WebSocketTestClient {
    private final Environment environment;
    private final Dialer dialer;
    private final Duration timeout;

    /**
     * @param environment the application's environment (for {@code local.server.port} and the context path)
     * @param dialer the dialer to connect with
     * @param timeout how long each expectation waits for the server
     */
    public WebSocketTestClient(Environment environment, Dialer dialer, Duration timeout) {
        this.environment = environment;
        this.dialer = dialer;
        this.timeout = timeout;
    }

    /**
     * @param path the endpoint's path with its query, for example {@code /rooms/42?since=7}
     * @return the URI of the path on the running server
     */
    public URI uri(String path) {
        Integer port = environment.getProperty("local.server.port", Integer.class);
        if (port == null) {
            throw new IllegalStateException("No server runs: use @SpringBootTest(webEnvironment = RANDOM_PORT or DEFINED_PORT)");
        }
        String contextPath = environment.getProperty("server.servlet.context-path", "");
        if (contextPath.endsWith("/")) {
            contextPath = contextPath.substring(0, contextPath.length() - 1);
        }
        return URI.create("ws://localhost:" + port + contextPath + (path.startsWith("/") ? path : "/" + path));
    }

    /**
     * @param path the endpoint's path
     * @return the open connection
     * @throws IOException if the handshake fails
     */
    public TestConnection connect(String path) throws IOException {
        return connect(path, Map.of());
    }

    /**
     * @param path the endpoint's path
     * @param headers request headers, for example {@code Origin} or {@code Authorization}
     * @return the open connection
     * @throws IOException if the handshake fails
     */
    public TestConnection connect(String path, Map<String, List<String>> headers) throws IOException {
        return new TestConnection(dialer.dial(uri(path), headers), timeout);
    }

    /**
     * Asserts that the server refuses the upgrade.
     *
     * @param path the endpoint's path
     * @param headers request headers
     * @param status the expected HTTP status, for example 403 for a foreign origin
     * @throws IOException if the connection fails other than by a refusal
     */
    public void expectRefused(String path, Map<String, List<String>> headers, int status) throws IOException {
        try {
            TestConnection unexpected = connect(path, headers);
            unexpected.closeNow();
        } catch (BadHandshakeException e) {
            if (e.status() != status) {
                throw new AssertionError("expected the upgrade of " + path + " to be refused with " + status + " but it got " + e.status(), e);
            }
            return;
        }
        throw new AssertionError("expected the upgrade of " + path + " to be refused with " + status + " but it was accepted");
    }
}
