package dev.conduit.websocket.spring.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.ReadLimitException;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.client.Dialer;
import dev.conduit.websocket.spring.metrics.MetricsTestApplication;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

/** The Dialer bean: its settings from conduit.websocket.client.*, its meters, and backing off. */
class ConduitWebSocketClientAutoConfigurationTests {

    @Test
    void theDialerBeanDialsWithItsPropertiesAndIsMeasured() throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(MetricsTestApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "conduit.websocket.client.name=self", "conduit.websocket.client.max-message-size=8B")
                .run()) {
            int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
            Conn conn = app.getBean(Dialer.class).dial(URI.create("ws://127.0.0.1:" + port + "/m/echo/1"));
            conn.writeMessage(WebSocket.TEXT_MESSAGE, "12345678".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(conn.readMessage().data(), StandardCharsets.UTF_8)).isEqualTo("12345678");
            conn.writeMessage(WebSocket.TEXT_MESSAGE, "123456789".getBytes(StandardCharsets.UTF_8));
            // The echo of 9 bytes is beyond the client's 8-byte limit (conduit.websocket.client.max-message-size).
            assertThatThrownBy(conn::readMessage).isInstanceOf(ReadLimitException.class);
            conn.close(WebSocket.CLOSE_NORMAL_CLOSURE, "", Duration.ofSeconds(2));
            MeterRegistry registry = app.getBean(MeterRegistry.class);
            assertThat(registry.get("websocket.client.upgrades").tag("uri", "self").tag("outcome", "success").counter().count())
                    .isEqualTo(1.0);
            assertThat(registry.get("websocket.client.messages.sent").tag("uri", "self").tag("type", "text").summary().count())
                    .isEqualTo(2);
        }
    }

    @Test
    void existsInNonWebApplicationsAndBacksOff() {
        ApplicationContextRunner runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ConduitWebSocketClientAutoConfiguration.class));
        runner.run(context -> assertThat(context).hasSingleBean(Dialer.class));
        runner.withPropertyValues("conduit.websocket.client.enabled=false").run(context -> assertThat(context).doesNotHaveBean(Dialer.class));
        Dialer own = Dialer.builder().build();
        runner.withBean(Dialer.class, () -> own).run(context -> assertThat(context.getBean(Dialer.class)).isSameAs(own));
    }
}
