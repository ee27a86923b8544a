package dev.conduit.websocket.spring.metrics;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/** Endpoints whose conversations move the meters, one path per scenario so that each test owns its {@code uri}. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class MetricsTestApplication {

    @Bean
    MeterRegistry meterRegistry() {
        return new SimpleMeterRegistry();
    }

    @Bean
    SecurityFilterChain openChain(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(r -> r.anyRequest().permitAll()).csrf(c -> c.disable()).build();
    }

    @Bean
    Endpoints metricsEndpoints() {
        return new Endpoints();
    }

    /** The endpoints. */
    public static class Endpoints {

        /** Echoes data messages; the text "ping" makes it send a ping instead, "bye" makes it return (close 1000). */
        @WebSocketEndpoint("/m/echo/{room}")
        public void echo(Conn conn) throws IOException {
            loop(conn);
        }

        @WebSocketEndpoint("/m/drop")
        public void drop(Conn conn) throws IOException {
            loop(conn);
        }

        @WebSocketEndpoint("/m/local")
        public void local(Conn conn) throws IOException {
            loop(conn);
        }

        @WebSocketEndpoint("/m/protocol")
        public void protocol(Conn conn) throws IOException {
            loop(conn);
        }

        @WebSocketEndpoint(path = "/m/limited", maxMessageSize = 16)
        public void limited(Conn conn) throws IOException {
            loop(conn);
        }

        @WebSocketEndpoint("/m/fail")
        public void fail(Conn conn) throws IOException {
            conn.readMessage();
            throw new IllegalStateException("handler bug (expected by the test)");
        }

        @WebSocketEndpoint(path = "/m/partner", allowedOrigins = "https://partner.example", subprotocols = {"v2", "v1"})
        public void partner(Conn conn) throws IOException {
            loop(conn);
        }

        @WebSocketEndpoint(path = "/m/listed", allowedOrigins = "https://*.example.org", subprotocols = "chat.v1")
        public void listed(Conn conn) throws IOException {
            loop(conn);
        }

        @WebSocketEndpoint("/m/full")
        public void full(Conn conn) throws IOException {
            loop(conn);
        }

        private static void loop(Conn conn) throws IOException {
            while (true) {
                Message m = conn.readMessage();
                if (m.messageType() == WebSocket.TEXT_MESSAGE) {
                    String text = new String(m.data(), StandardCharsets.UTF_8);
                    if (text.equals("ping")) {
                        conn.writeControl(WebSocket.PING_MESSAGE, "from-server".getBytes(StandardCharsets.UTF_8),
                                Instant.now().plusSeconds(5));
                        continue;
                    }
                    if (text.equals("bye")) {
                        return;
                    }
                }
                conn.writeMessage(m.messageType(), m.data());
            }
        }
    }
}
