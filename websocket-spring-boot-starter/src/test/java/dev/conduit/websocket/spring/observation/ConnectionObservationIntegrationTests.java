package dev.conduit.websocket.spring.observation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.client.Dialer;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Each connection is one {@code websocket.server.connection} observation, child of its upgrade's
 * {@code http.server.requests}, current on the handler's thread, tagged with the path template,
 * outcome and close code.
 */
class ConnectionObservationIntegrationTests {
    private static ConfigurableApplicationContext app;
    private static int port;
    private static MeterRegistry meters;
    private static final List<Observation.Context> STOPPED = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        app = new SpringApplicationBuilder(App.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
                .run();
        port = app.getEnvironment().getProperty("local.server.port", Integer.class);
        meters = app.getBean(MeterRegistry.class);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aConnectionIsAnObservationInScopeOnTheHandlersThreadChildOfItsUpgrade() throws Exception {
        Conn conn = dial("/o/rooms/7");
        assertThat(text(conn.readMessage())).isEqualTo("current=websocket.server.connection uri=/o/rooms/{room}");
        conn.close(WebSocket.CLOSE_NORMAL_CLOSURE, "", Duration.ofSeconds(5));

        Timer timer = awaitTimer("/o/rooms/{room}");
        assertThat(timer.getId().getTag("outcome")).isEqualTo("SUCCESS");
        assertThat(timer.getId().getTag("close.code")).isEqualTo("1000");
        WebSocketConnectionContext context = (WebSocketConnectionContext) STOPPED.stream()
                .filter(c -> c instanceof WebSocketConnectionContext w && w.getUri().equals("/o/rooms/{room}")).findFirst().orElseThrow();
        assertThat(context.getParentObservation()).isNotNull();
        assertThat(context.getParentObservation().getContextView().getName()).isEqualTo("http.server.requests");
        assertThat(context.getContextualName()).isEqualTo("websocket /o/rooms/{room}");
    }

    @Test
    void aFailingHandlerIsAnErrorWith1011() throws Exception {
        Conn conn = dial("/o/fail");
        conn.writeMessage(WebSocket.TEXT_MESSAGE, "x".getBytes(StandardCharsets.UTF_8));
        Timer timer = awaitTimer("/o/fail");
        assertThat(timer.getId().getTag("outcome")).isEqualTo("ERROR");
        assertThat(timer.getId().getTag("close.code")).isEqualTo("1011");
        assertThat(STOPPED.stream().filter(c -> c instanceof WebSocketConnectionContext w && w.getUri().equals("/o/fail"))
                .findFirst().orElseThrow().getError()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPeerCloseWithAnApplicationCodeIsClosedWith4xxx() throws Exception {
        Conn conn = dial("/o/echo");
        conn.close(4001, "bye", Duration.ofSeconds(5));
        Timer timer = awaitTimer("/o/echo");
        assertThat(timer.getId().getTag("outcome")).isEqualTo("CLOSED");
        assertThat(timer.getId().getTag("close.code")).isEqualTo("4xxx");
    }

    @Test
    void theHandlerLogsWithTheRequestsMdc() throws Exception {
        Conn conn = Dialer.defaultDialer().dial(URI.create("ws://127.0.0.1:" + port + "/o/mdc"),
                java.util.Map.of("X-Request-Id", List.of("req-42")));
        assertThat(text(conn.readMessage())).isEqualTo("requestId=req-42");
        conn.close(WebSocket.CLOSE_NORMAL_CLOSURE, "", Duration.ofSeconds(5));
    }

    private static Timer awaitTimer(String uri) {
        return await().atMost(Duration.ofSeconds(10)).until(
                () -> meters.find(DefaultWebSocketConnectionObservationConvention.NAME).tag("uri", uri).timer(), t -> t != null && t.count() == 1);
    }

    private static Conn dial(String path) throws IOException {
        return Dialer.defaultDialer().dial(URI.create("ws://127.0.0.1:" + port + path));
    }

    private static String text(Message m) {
        return new String(m.data(), StandardCharsets.UTF_8);
    }

    /** A web application with Micrometer and observations, and endpoints that show the observation. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        ObservationHandler<Observation.Context> stoppedContexts() {
            return new ObservationHandler<>() {
                @Override
                public void onStop(Observation.Context context) {
                    STOPPED.add(context);
                }

                @Override
                public boolean supportsContext(Observation.Context context) {
                    return true;
                }
            };
        }

        /** Puts the request id in the MDC for the request, as logging filters do. */
        @Bean
        OncePerRequestFilter requestIdFilter() {
            return new OncePerRequestFilter() {
                @Override
                protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                        throws ServletException, IOException {
                    MDC.put("requestId", String.valueOf(request.getHeader("X-Request-Id")));
                    try {
                        chain.doFilter(request, response);
                    } finally {
                        MDC.remove("requestId");
                    }
                }
            };
        }

        @Bean
        SecurityFilterChain openChain(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(r -> r.anyRequest().permitAll()).csrf(c -> c.disable()).build();
        }

        @Bean
        Endpoints observedEndpoints(ObservationRegistry registry) {
            return new Endpoints(registry);
        }
    }

    /** The endpoints. */
    public static class Endpoints {
        private final ObservationRegistry registry;

        Endpoints(ObservationRegistry registry) {
            this.registry = registry;
        }

        /** Names the observation current on the handler's thread, then waits for the close. */
        @WebSocketEndpoint("/o/rooms/{room}")
        public void room(Conn conn) throws IOException {
            Observation current = registry.getCurrentObservation();
            String text = current == null ? "current=none" : "current=" + current.getContext().getName()
                    + " uri=" + ((WebSocketConnectionContext) current.getContext()).getUri();
            conn.writeMessage(WebSocket.TEXT_MESSAGE, text.getBytes(StandardCharsets.UTF_8));
            try {
                conn.readMessage();
            } catch (IOException e) {
                return; // the peer's close ends the conversation as a normal return
            }
        }

        @WebSocketEndpoint("/o/mdc")
        public void mdc(Conn conn) throws IOException {
            conn.writeMessage(WebSocket.TEXT_MESSAGE, ("requestId=" + MDC.get("requestId")).getBytes(StandardCharsets.UTF_8));
            try {
                conn.readMessage();
            } catch (IOException e) {
                return;
            }
        }

        @WebSocketEndpoint("/o/fail")
        public void fail(Conn conn) throws IOException {
            conn.readMessage();
            throw new IllegalStateException("handler bug (expected by the test)");
        }

        @WebSocketEndpoint("/o/echo")
        public void echo(Conn conn) throws IOException {
            while (true) {
                Message m = conn.readMessage();
                conn.writeMessage(m.messageType(), m.data());
            }
        }
    }
}
