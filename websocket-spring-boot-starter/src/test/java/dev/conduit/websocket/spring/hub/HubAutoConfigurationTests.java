package dev.conduit.websocket.spring.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class HubAutoConfigurationTests {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HubAutoConfiguration.class));

    @Test
    void inMemoryByDefault() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(Hub.class).doesNotHaveBean(HubRelay.class);
            assertThat(context.getBean(Hub.class).stats()).isEqualTo(new HubStats(0, 0, 0, 0, 0, 0));
        });
    }

    @Test
    void backsOffWhenDisabled() {
        runner.withPropertyValues("conduit.websocket.hub.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(Hub.class));
    }

    @Test
    void redisRelayNeedsTheProperty() {
        // Spring Data Redis is on the test class path; without the property there is no relay.
        runner.run(context -> assertThat(context).doesNotHaveBean(HubRelay.class));
    }

    @Test
    void metersFollowTheHubCounts() {
        runner.run(context -> {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            context.getBean(HubMeterBinder.class).bindTo(registry);
            context.getBean(Hub.class).broadcastText("nobody", "hello");
            assertThat(registry.get("websocket.hub.published").functionCounter().count()).isEqualTo(1.0);
            assertThat(registry.get("websocket.hub.delivered").functionCounter().count()).isZero();
            assertThat(registry.get("websocket.hub.dropped").tag("kind", "connection").functionCounter().count()).isZero();
            assertThat(registry.get("websocket.hub.relay.lost").tag("side", "receive").functionCounter().count()).isZero();
        });
    }
}
