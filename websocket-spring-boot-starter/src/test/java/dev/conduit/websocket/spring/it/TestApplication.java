package dev.conduit.websocket.spring.it;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import dev.conduit.websocket.spring.endpoint.HandshakeInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.PathVariable;

/** A web application with endpoints that show what the starter hands to handlers, behind Spring Security. */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableMethodSecurity
public class TestApplication {

    @Bean
    Greeter greeter() {
        return new Greeter();
    }

    @Bean
    SecuredEndpoints securedEndpoints(Greeter greeter) {
        return new SecuredEndpoints(greeter);
    }

    /** A service that only users may call. */
    public static class Greeter {
        /** @return a greeting for the caller */
        @PreAuthorize("hasRole('USER')")
        public String greet() {
            return "hello " + SecurityContextHolder.getContext().getAuthentication().getName();
        }
    }

    /** Endpoints that call a secured service from the handler. */
    public static class SecuredEndpoints {
        private final Greeter greeter;

        SecuredEndpoints(Greeter greeter) {
            this.greeter = greeter;
        }

        /** Answers every message with the greeting of the secured service (1011 when it refuses the caller). */
        @WebSocketEndpoint("/secure/greet")
        public void greet(Conn conn) throws IOException {
            greetLoop(conn);
        }

        /** The same for anyone: the service refuses anonymous callers. */
        @WebSocketEndpoint("/open/greet")
        public void openGreet(Conn conn) throws IOException {
            greetLoop(conn);
        }

        private void greetLoop(Conn conn) throws IOException {
            while (true) {
                conn.readMessage();
                conn.writeMessage(WebSocket.TEXT_MESSAGE, greeter.greet().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/secure/**").authenticated()
                        .anyRequest().permitAll())
                .httpBasic(Customizer.withDefaults())
                .csrf(csrf -> csrf.disable())
                .build();
    }

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(User.withUsername("alice").password("{noop}secret").roles("USER").build());
    }

    @Bean
    Endpoints endpoints() {
        return new Endpoints();
    }

    /**
     * A JSON message whose property names show the mapper's naming strategy.
     *
     * @param userName a name
     * @param messageCount a count
     */
    public record Note(String userName, int messageCount) {
    }

    /** The endpoints. */
    public static class Endpoints {

        @WebSocketEndpoint("/open/echo")
        public void echo(Conn conn) throws IOException {
            while (true) {
                Message m = conn.readMessage();
                conn.writeMessage(m.messageType(), m.data());
            }
        }

        /** Only writes: twenty messages 50 ms apart, then a normal close. */
        @WebSocketEndpoint("/open/writeonly")
        public void writeOnly(Conn conn) throws Exception {
            for (int i = 0; i < 20; i++) {
                conn.writeMessage(WebSocket.TEXT_MESSAGE, ("tick " + i).getBytes(StandardCharsets.UTF_8));
                Thread.sleep(50);
            }
        }

        @WebSocketEndpoint(path = "/open/unlimited", maxMessageSize = 0)
        public void unlimited(Conn conn) throws IOException {
            echo(conn);
        }

        /** Writes 64 KiB messages without a deadline until the peer stops reading: its writes then block. */
        @WebSocketEndpoint("/open/firehose")
        public void firehose(Conn conn) throws IOException {
            byte[] chunk = new byte[64 * 1024];
            while (true) {
                conn.writeMessage(WebSocket.BINARY_MESSAGE, chunk);
            }
        }

        @WebSocketEndpoint("/open/fail")
        public void fail(Conn conn) throws IOException {
            conn.readMessage();
            throw new IllegalStateException("handler bug");
        }

        @WebSocketEndpoint("/open/rooms/{room}")
        public void room(Conn conn, @PathVariable String room, @PathVariable("room") int number, HandshakeInfo info)
                throws IOException {
            String text = "room=" + room + " number=" + number + " id=" + info.queryParameter("id")
                    + " header=" + info.header("x-test") + " path=" + info.uri().getPath()
                    + " loopback=" + info.remoteAddress().getAddress().isLoopbackAddress();
            conn.writeMessage(WebSocket.TEXT_MESSAGE, text.getBytes(StandardCharsets.UTF_8));
            conn.readMessage();
        }

        @WebSocketEndpoint(path = "/open/proto", subprotocols = {"v2.chat", "v1.chat"})
        public void proto(Conn conn) throws IOException {
            conn.writeMessage(WebSocket.TEXT_MESSAGE, ("chosen=" + conn.subprotocol()).getBytes(StandardCharsets.UTF_8));
            conn.readMessage();
        }

        @WebSocketEndpoint(path = "/open/partner", allowedOrigins = "https://partner.example")
        public void partner(Conn conn) throws IOException {
            conn.writeMessage(WebSocket.TEXT_MESSAGE, "welcome".getBytes(StandardCharsets.UTF_8));
            conn.readMessage();
        }

        @WebSocketEndpoint("/open/thread")
        public void thread(Conn conn) throws Exception {
            // Thread.isVirtual() is Java 21 API; this code is compiled for Java 17.
            boolean virtual;
            try {
                virtual = (Boolean) Thread.class.getMethod("isVirtual").invoke(Thread.currentThread());
            } catch (NoSuchMethodException e) {
                virtual = false;
            }
            conn.writeMessage(WebSocket.TEXT_MESSAGE, ("virtual=" + virtual).getBytes(StandardCharsets.UTF_8));
            conn.readMessage();
        }

        /** Reads a note and answers it with the name upper-cased and the count plus one. */
        @WebSocketEndpoint("/open/json")
        public void json(Conn conn) throws IOException {
            Note note = conn.readJson(Note.class);
            conn.writeJson(new Note(note.userName().toUpperCase(java.util.Locale.ROOT), note.messageCount() + 1));
            conn.readMessage();
        }

        @WebSocketEndpoint("/secure/whoami")
        public void whoami(Conn conn, Principal principal) throws IOException {
            conn.writeMessage(WebSocket.TEXT_MESSAGE, principal.getName().getBytes(StandardCharsets.UTF_8));
            conn.readMessage();
        }
    }
}
