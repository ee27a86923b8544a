package dev.conduit.websocket.spring.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.spring.hub.redis.RedisHubRelayAutoConfiguration;
import dev.conduit.websocket.spring.hub.redis.RedisStreamsHubRelay;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

class HubAutoConfigurationTests {
    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HubAutoConfiguration.class, RedisHubRelayAutoConfiguration.class));

    @Test
    void onlyInWebApplications() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HubAutoConfiguration.class))
                .run(context -> assertThat(context).doesNotHaveBean(Hub.class));
    }

    @Test
    void sendersFollowSpringThreadsVirtualEnabledUnlessSetThemselves() {
        runner.run(context -> assertThat(virtualSenders(context)).isFalse());
        runner.withPropertyValues("spring.threads.virtual.enabled=true").run(context -> assertThat(virtualSenders(context)).isTrue());
        runner.withPropertyValues("spring.threads.virtual.enabled=true", "conduit.websocket.hub.virtual-threads=false")
                .run(context -> assertThat(virtualSenders(context)).isFalse());
        runner.withPropertyValues("conduit.websocket.hub.virtual-threads=true").run(context -> assertThat(virtualSenders(context)).isTrue());
    }

    private static boolean virtualSenders(org.springframework.context.ApplicationContext context) {
        return HubAutoConfiguration.virtualSenders(context.getBean(HubProperties.class), context.getEnvironment());
    }

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
    void streamsModeChoosesTheStreamsRelay() {
        // Nothing listens on port 1: the relay's threads retry until the context closes.
        runner.withBean(RedisConnectionFactory.class, () -> new LettuceConnectionFactory("127.0.0.1", 1))
                .withPropertyValues("conduit.websocket.hub.redis.enabled=true", "conduit.websocket.hub.redis.mode=streams",
                        "conduit.websocket.hub.redis.stream-max-length=500", "conduit.websocket.hub.redis.secret=s3cret")
                .run(context -> {
                    assertThat(context).hasSingleBean(RedisStreamsHubRelay.class);
                    RedisStreamsHubRelay relay = context.getBean(RedisStreamsHubRelay.class);
                    assertThat(relay.deliversOwnMessages()).isTrue();
                    assertThat(context.getBean(HubProperties.class).getRedis().getStreamMaxLength()).isEqualTo(500);
                });
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
            assertThat(registry.get("websocket.hub.relay.rejected").tag("reason", "bad-signature").functionCounter().count()).isZero();
            assertThat(registry.get("websocket.hub.relay.outbox").gauge().value()).isZero();
        });
    }
}
