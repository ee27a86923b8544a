package dev.conduit.websocket.spring.connections;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import dev.conduit.websocket.spring.endpoint.ConnectionAttributes;
import dev.conduit.websocket.spring.endpoint.HandshakeInfo;
import dev.conduit.websocket.spring.hub.Hub;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The application of the connection registry tests, behind Spring Security with HTTP Basic: users
 * alice and bob (USER), admin (ADMIN) and ops (OPS); the Actuator needs ADMIN or OPS. {@code /ws/chat/{room}}
 * is open to anyone (the principal is whoever authenticated the upgrade), copies the query
 * parameter {@code client} into the connection's attributes and echoes what it reads; {@code /ws/news}
 * joins the hub's topic "news" and echoes through the hub.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ConnectionsTestApp {

    @Bean
    SecurityFilterChain chain(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(r -> r.requestMatchers("/actuator/**").hasAnyRole("ADMIN", "OPS")
                        .anyRequest().permitAll())
                .httpBasic(Customizer.withDefaults())
                .csrf(c -> c.disable())
                .build();
    }

    @Bean
    InMemoryUserDetailsManager users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("alice").password("{noop}secret").roles("USER").build(),
                User.withUsername("bob").password("{noop}secret").roles("USER").build(),
                User.withUsername("admin").password("{noop}secret").roles("ADMIN").build(),
                User.withUsername("ops").password("{noop}secret").roles("OPS").build());
    }

    @Bean
    Endpoints endpoints(Hub hub) {
        return new Endpoints(hub);
    }

    public static class Endpoints {
        private final Hub hub;

        Endpoints(Hub hub) {
            this.hub = hub;
        }

        /** Joins topic "news"; its own replies go through the hub, as the hub asks of joined connections. */
        @WebSocketEndpoint("/ws/news")
        public void news(Conn conn) throws IOException {
            hub.join("news", conn);
            try {
                while (true) {
                    Message m = conn.readMessage();
                    hub.send(conn, m.messageType(), m.data());
                }
            } finally {
                hub.leave(conn);
            }
        }

        @WebSocketEndpoint("/ws/chat/{room}")
        public void chat(Conn conn, ConnectionAttributes attributes, HandshakeInfo handshake) throws IOException {
            if (handshake.queryParameter("client") != null) {
                attributes.put("client", handshake.queryParameter("client"));
            }
            while (true) {
                Message m = conn.readMessage();
                conn.writeMessage(m.messageType(), m.data());
            }
        }
    }

    /** @return an upgrade builder authenticated as {@code user} (password "secret"), or anonymous for null */
    public static WebSocket.Builder as(String user) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        return user == null ? builder : builder.header("Authorization", basic(user));
    }

    public static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":secret").getBytes(StandardCharsets.UTF_8));
    }

    /** @return the response of {@code method} on {@code http://127.0.0.1:port/path} as {@code user} (null: anonymous) */
    public static HttpResponse<String> http(int port, String method, String path, String user) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (user != null) {
            request.header("Authorization", basic(user));
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
