package dev.conduit.websocket.spring.idle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import dev.conduit.websocket.spring.endpoint.ConnectionRegistry;
import dev.conduit.websocket.spring.endpoint.HandshakeInfo;
import dev.conduit.websocket.spring.endpoint.OpenConnection;
import dev.conduit.websocket.spring.testing.WsClient;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * What an idle connection keeps of its handshake, over real sockets: the handshake snapshot
 * (headers, URI, query, principal) is let go once the handler method runs, unless the method asks
 * for it. The upgrade requests carry a principal of their own (a filter sets it), which nothing but
 * the snapshot refers to, so it is collected exactly when the snapshot is.
 */
class IdleConnectionHeapIntegrationTests {
    /** The principal of each upgrade request, weakly. */
    static final List<WeakReference<Principal>> PRINCIPALS = new CopyOnWriteArrayList<>();

    private static ConfigurableApplicationContext app;

    @BeforeAll
    static void start() {
        app = new SpringApplicationBuilder(App.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
                .run();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @BeforeEach
    void clear() {
        PRINCIPALS.clear();
    }

    private static URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + path);
    }

    /** Collects garbage until the reference is cleared (at most 20 s). @return whether it was */
    private static boolean collected(WeakReference<?> ref) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (ref.get() != null && System.nanoTime() < end) {
            System.gc();
            Thread.sleep(50);
        }
        return ref.get() == null;
    }

    @Test
    void anIdleConnectionWhoseHandlerDoesNotAskForTheHandshakeHoldsNoneOfIt() throws Exception {
        WsClient client = WsClient.connect(uri("/idle/echo"));
        try {
            client.sendText("one");
            assertThat(client.nextText()).isEqualTo("one"); // the handler runs and waits in readMessage
            assertThat(PRINCIPALS).hasSize(1);
            assertThat(collected(PRINCIPALS.get(0))).as("the handshake snapshot is collected while the connection is idle").isTrue();
            client.sendText("two");
            assertThat(client.nextText()).isEqualTo("two");
            // The registry keeps what it shows (the principal's name, the peer), not the snapshot;
            // the peer's address is the Conn's own object, not a copy of it.
            List<OpenConnection> open = List.copyOf(app.getBean(ConnectionRegistry.class).connections());
            assertThat(open).hasSize(1);
            assertThat(open.get(0).principal()).isEqualTo("tracked");
            assertThat(open.get(0).remoteAddress()).isNotNull().isSameAs(open.get(0).conn().remoteAddr());
        } finally {
            client.close();
        }
    }

    @Test
    void aHandlerThatAsksForTheHandshakeKeepsIt() throws Exception {
        WsClient client = WsClient.connect(uri("/idle/info"));
        try {
            client.sendText("one");
            assertThat(client.nextText()).isEqualTo("tracked:one");
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            client.sendText("two");
            assertThat(client.nextText()).isEqualTo("tracked:two");
            assertThat(PRINCIPALS.get(0).get()).isNotNull();
        } finally {
            client.close();
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        SecurityFilterChain chain(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(r -> r.anyRequest().permitAll()).csrf(c -> c.disable()).build();
        }

        /** Gives every request a principal object of its own, remembered weakly (after Spring Security's filters). */
        @Bean
        Filter trackedPrincipal() {
            return (request, response, chain) -> {
                Principal principal = new TrackedPrincipal();
                PRINCIPALS.add(new WeakReference<>(principal));
                chain.doFilter(new HttpServletRequestWrapper((HttpServletRequest) request) {
                    @Override
                    public Principal getUserPrincipal() {
                        return principal;
                    }
                }, response);
            };
        }

        @Bean
        Endpoints endpoints() {
            return new Endpoints();
        }
    }

    static final class TrackedPrincipal implements Principal {
        @Override
        public String getName() {
            return "tracked";
        }
    }

    static class Endpoints {
        @WebSocketEndpoint("/idle/echo")
        public void echo(Conn conn) throws IOException {
            while (true) {
                Message m = conn.readMessage();
                conn.writeMessage(m.messageType(), m.data());
            }
        }

        @WebSocketEndpoint("/idle/info")
        public void info(Conn conn, HandshakeInfo handshake) throws IOException {
            while (true) {
                Message m = conn.readMessage();
                conn.writeMessage(WebSocket.TEXT_MESSAGE, (handshake.principal().getName() + ":"
                        + new String(m.data(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
            }
        }
    }
}
