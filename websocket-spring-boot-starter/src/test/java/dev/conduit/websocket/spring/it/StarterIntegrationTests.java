package dev.conduit.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.spring.testing.WsClient;
import dev.conduit.websocket.spring.endpoint.ConnectionRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The starter in a running Tomcat, driven by the JDK WebSocket client: handler parameters,
 * per-endpoint subprotocols and origins, a failing handler, the connection limit and Spring Security.
 */
class StarterIntegrationTests {
    private static ConfigurableApplicationContext app;
    private static int port;

    @BeforeAll
    static void start() {
        app = new SpringApplicationBuilder(TestApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "conduit.websocket.max-connections=3",
                        "spring.threads.virtual.enabled=true",
                        "spring.main.banner-mode=off")
                .run();
        port = app.getEnvironment().getProperty("local.server.port", Integer.class);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    @Test
    void handlerReceivesPathVariablesAndTheHandshake() throws Exception {
        WsClient client = WsClient.connect(WsClient.HTTP.newWebSocketBuilder().header("X-Test", "hello"),
                uri("/open/rooms/42?id=7"));
        assertThat(client.nextText()).isEqualTo("room=42 number=42 id=7 header=hello path=/open/rooms/42 loopback=true");
        client.close();
        assertThat(client.awaitClose()).isEqualTo(1000);
    }

    @Test
    void handlersRunOnVirtualThreadsFromJava21WhenBootEnablesThem() throws Exception {
        WsClient client = WsClient.connect(uri("/open/thread"));
        assertThat(client.nextText()).isEqualTo("virtual=" + (Runtime.version().feature() >= 21));
        client.close();
    }

    @Test
    void theClientsPreferenceAmongTheEndpointsSubprotocolsWins() throws Exception {
        WsClient client = WsClient.connect(WsClient.HTTP.newWebSocketBuilder().subprotocols("v1.chat", "v2.chat"),
                uri("/open/proto"));
        assertThat(client.socket.getSubprotocol()).isEqualTo("v1.chat");
        assertThat(client.nextText()).isEqualTo("chosen=v1.chat");
        client.close();

        WsClient none = WsClient.connect(WsClient.HTTP.newWebSocketBuilder().subprotocols("other"), uri("/open/proto"));
        assertThat(none.socket.getSubprotocol()).isEmpty();
        assertThat(none.nextText()).isEqualTo("chosen=");
        none.close();
    }

    @Test
    void anEndpointsAllowedOriginsReplaceSameOrigin() throws Exception {
        WsClient client = WsClient.connect(WsClient.HTTP.newWebSocketBuilder().header("Origin", "https://partner.example"),
                uri("/open/partner"));
        assertThat(client.nextText()).isEqualTo("welcome");
        client.close();
        assertThat(WsClient.refusedStatus(WsClient.HTTP.newWebSocketBuilder().header("Origin", "https://evil.example"),
                uri("/open/partner"))).isEqualTo(403);
    }

    @Test
    void aRefusedOriginIsLoggedOnceWithTheOriginAndTheRule() throws Exception {
        LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
        logging.setLogLevel("dev.conduit", LogLevel.DEBUG);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        root.addAppender(events);
        try {
            assertThat(WsClient.refusedStatus(
                    WsClient.HTTP.newWebSocketBuilder().header("Origin", "https://attacker.example"),
                    uri("/open/partner"))).isEqualTo(403);
            List<String> lines = events.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("attacker.example") || m.contains("refused")).toList();
            assertThat(lines).singleElement().asString()
                    .contains("/open/partner", "403", "Origin: 'https://attacker.example'",
                            "same-origin or patterns [https://partner.example]");
            assertThat(events.list).filteredOn(e -> e.getFormattedMessage().equals(lines.get(0)))
                    .singleElement().extracting(ILoggingEvent::getLevel).isEqualTo(Level.DEBUG);
        } finally {
            root.detachAppender(events);
            logging.setLogLevel("dev.conduit", null);
        }
    }

    @Test
    void anExceptionEscapingTheHandlerClosesWith1011() throws Exception {
        WsClient client = WsClient.connect(uri("/open/fail"));
        client.sendText("trigger");
        assertThat(client.awaitClose()).isEqualTo(1011);
    }

    @Test
    void upgradesBeyondMaxConnectionsAreRefusedWith503() throws Exception {
        awaitNoConnections();
        List<WsClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                WsClient c = WsClient.connect(uri("/open/echo"));
                c.sendText("hi " + i);
                assertThat(c.nextText()).isEqualTo("hi " + i);
                clients.add(c);
            }
            assertThat(WsClient.refusedStatus(WsClient.HTTP.newWebSocketBuilder(), uri("/open/echo"))).isEqualTo(503);
        } finally {
            for (WsClient c : clients) {
                c.close();
                c.awaitClose();
            }
        }
        // Places are given back when connections end.
        WsClient again = waitForPlace();
        again.close();
    }

    // Connections of earlier tests end asynchronously after their close handshake.
    private static void awaitNoConnections() throws InterruptedException {
        ConnectionRegistry registry = app.getBean(ConnectionRegistry.class);
        for (int i = 0; i < 100 && registry.count() > 0; i++) {
            Thread.sleep(100);
        }
        assertThat(registry.count()).isZero();
    }

    private static WsClient waitForPlace() throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                return WsClient.connect(uri("/open/echo"));
            } catch (Exception e) {
                if (attempt > 50) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void springSecurityRefusesAnUnauthenticatedUpgrade() throws Exception {
        assertThat(WsClient.refusedStatus(WsClient.HTTP.newWebSocketBuilder(), uri("/secure/whoami"))).isEqualTo(401);
        assertThat(WsClient.refusedStatus(WsClient.HTTP.newWebSocketBuilder().header("Authorization", basic("alice", "wrong")),
                uri("/secure/whoami"))).isEqualTo(401);
    }

    @Test
    void anAuthenticatedUpgradeReceivesItsPrincipal() throws Exception {
        WsClient client = WsClient.connect(WsClient.HTTP.newWebSocketBuilder().header("Authorization", basic("alice", "secret")),
                uri("/secure/whoami"));
        assertThat(client.nextText()).isEqualTo("alice");
        client.close();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
