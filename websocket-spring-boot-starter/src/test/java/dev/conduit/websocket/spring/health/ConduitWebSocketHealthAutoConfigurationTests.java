package dev.conduit.websocket.spring.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.spring.endpoint.ConnectionRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The contributor exists only with Boot's health API on the class path, and can be turned off. */
class ConduitWebSocketHealthAutoConfigurationTests {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConduitWebSocketHealthAutoConfiguration.class))
            .withBean(ConnectionRegistry.class, () -> new ConnectionRegistry(10, Duration.ofSeconds(1)));

    @Test
    void aHealthIndicatorOfTheRunningBootLineNamedWebsockets() {
        runner.run(context -> {
            String type = HealthIndicatorFactoryBean.packageOnClassPath(getClass().getClassLoader()) + "HealthIndicator";
            assertThat(context.getBeansOfType(Class.forName(type))).containsOnlyKeys("websocketsHealthIndicator");
        });
    }

    @Test
    void noneWithoutBootsHealthApiOrWhenTurnedOff() {
        runner.withClassLoader(new FilteredClassLoader(HealthIndicatorFactoryBean.BOOT3_PACKAGE, HealthIndicatorFactoryBean.BOOT4_PACKAGE))
                .run(context -> assertThat(context).doesNotHaveBean(WebSocketsHealth.class));
        runner.withPropertyValues("management.health.websockets.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(WebSocketsHealth.class));
        runner.withPropertyValues("management.health.defaults.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(WebSocketsHealth.class));
    }
}
