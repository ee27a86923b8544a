package dev.conduit.websocket.test;

import dev.conduit.websocket.client.Dialer;
import java.time.Duration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The {@link WebSocketTestClient} of {@link AutoConfigureWebSocketTestClient}; each expectation
 * waits {@code conduit.websocket.test.timeout} (10 s by default).
 */
@AutoConfiguration
public class WebSocketTestClientAutoConfiguration {

    /**
     * @param environment the test application's environment
     * @return the client
     */
    @Bean
    @ConditionalOnMissingBean
    public WebSocketTestClient webSocketTestClient(Environment environment) {
        Duration timeout = environment.getProperty("conduit.websocket.test.timeout", Duration.class, Duration.ofSeconds(10));
        return new WebSocketTestClient(environment, Dialer.defaultDialer(), timeout);
    }
}
