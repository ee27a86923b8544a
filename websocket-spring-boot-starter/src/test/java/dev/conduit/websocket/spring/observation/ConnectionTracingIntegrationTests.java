package dev.conduit.websocket.spring.observation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.client.Dialer;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * With Micrometer Tracing over Brave (a real tracer), a connection is a span of its upgrade's
 * trace: child of the {@code http.server.requests} span, which continues the client's
 * {@code traceparent}; the handler sees it as the current span and its trace id in the MDC.
 */
class ConnectionTracingIntegrationTests {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN_ID = "00f067aa0ba902b7";
    private static final List<MutableSpan> FINISHED = new CopyOnWriteArrayList<>();

    @Test
    void theConnectionIsASpanOfTheUpgradesTraceWithTheTraceIdInTheHandlersMdc() throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(App.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "management.tracing.sampling.probability=1.0")
                .run()) {
            int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
            Conn conn = Dialer.defaultDialer().dial(URI.create("ws://127.0.0.1:" + port + "/t/trace"),
                    Map.of("traceparent", List.of("00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01")));
            String[] seen = new String(conn.readMessage().data(), StandardCharsets.UTF_8).split(" ");
            conn.close(WebSocket.CLOSE_NORMAL_CLOSURE, "", Duration.ofSeconds(5));

            assertThat(seen[0]).isEqualTo("mdc=" + TRACE_ID);
            assertThat(seen[1]).isEqualTo("current=" + TRACE_ID);
            String connectionSpanId = seen[2].substring("span=".length());

            MutableSpan connection = await().atMost(Duration.ofSeconds(10)).until(
                    () -> FINISHED.stream().filter(s -> "websocket /t/trace".equals(s.name())).findFirst().orElse(null), s -> s != null);
            assertThat(connection.traceId()).isEqualTo(TRACE_ID);
            assertThat(connection.id()).isEqualTo(connectionSpanId);
            assertThat(connection.tag("outcome")).isEqualTo("SUCCESS");
            MutableSpan request = FINISHED.stream().filter(s -> connection.parentId().equals(s.id())).findFirst().orElseThrow();
            assertThat(request.kind()).isEqualTo(brave.Span.Kind.SERVER);
            assertThat(request.parentId()).isEqualTo(CLIENT_SPAN_ID);
        }
    }

    /** A web application with Micrometer Tracing on Brave; finished spans are kept for the test. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        SpanHandler keepFinishedSpans() {
            return new SpanHandler() {
                @Override
                public boolean end(TraceContext context, MutableSpan span, Cause cause) {
                    FINISHED.add(span);
                    return true;
                }
            };
        }

        @Bean
        SecurityFilterChain openChain(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(r -> r.anyRequest().permitAll()).csrf(c -> c.disable()).build();
        }

        @Bean
        TraceEndpoint traceEndpoint(Tracer tracer) {
            return new TraceEndpoint(tracer);
        }
    }

    /** Tells what the handler's thread sees of the trace. */
    public static class TraceEndpoint {
        private final Tracer tracer;

        TraceEndpoint(Tracer tracer) {
            this.tracer = tracer;
        }

        @WebSocketEndpoint("/t/trace")
        public void trace(Conn conn) throws IOException {
            Span current = tracer.currentSpan();
            String text = "mdc=" + MDC.get("traceId") + " current=" + (current == null ? "none" : current.context().traceId())
                    + " span=" + (current == null ? "none" : current.context().spanId());
            conn.writeMessage(WebSocket.TEXT_MESSAGE, text.getBytes(StandardCharsets.UTF_8));
            try {
                conn.readMessage();
            } catch (IOException e) {
                return; // the peer's close
            }
        }
    }
}
