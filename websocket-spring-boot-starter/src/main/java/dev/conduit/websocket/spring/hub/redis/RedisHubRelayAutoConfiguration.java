package dev.conduit.websocket.spring.hub.redis;

import dev.conduit.websocket.spring.hub.HubAutoConfiguration;
import dev.conduit.websocket.spring.hub.HubProperties;
import dev.conduit.websocket.spring.hub.HubRelay;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The hub's Redis relay, when Spring Data Redis is present and
 * {@code conduit.websocket.hub.redis.enabled=true}: pub/sub by default, a stream with
 * {@code conduit.websocket.hub.redis.mode=streams}. Backs off when the application defines its own
 * {@link HubRelay}.
 */
@AutoConfiguration(before = HubAutoConfiguration.class, afterName = {
        "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration"})
@ConditionalOnClass(name = {"dev.conduit.websocket.Conn", "org.springframework.data.redis.connection.RedisConnectionFactory"})
@ConditionalOnProperty(prefix = "conduit.websocket.hub.redis", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(HubProperties.class)
public class RedisHubRelayAutoConfiguration {

    /**
     * @param connectionFactory the application's Redis connection (spring.data.redis.*)
     * @param properties the settings
     * @return the relay
     */
    // Stopped before the connection factory it uses is destroyed (it depends on it); the hub's close stops it too.
    @Bean(destroyMethod = "stop")
    @ConditionalOnMissingBean(HubRelay.class)
    public AbstractRedisHubRelay conduitWebSocketHubRedisRelay(RedisConnectionFactory connectionFactory, HubProperties properties) {
        RedisRelayOptions options = relayOptions(properties.getRedis());
        return properties.getRedis().getMode() == HubProperties.Redis.Mode.STREAMS
                ? new RedisStreamsHubRelay(connectionFactory, options)
                : new RedisHubRelay(connectionFactory, options);
    }

    static RedisRelayOptions relayOptions(HubProperties.Redis redis) {
        return new RedisRelayOptions(redis.getChannel(), redis.getPublishQueueCapacity(),
                redis.getPublishQueueBytes().toBytes(), redis.getPublishTimeout(),
                (int) Math.min(Integer.MAX_VALUE - 64, redis.getMaxEnvelopeSize().toBytes()), redis.getSecret(),
                redis.getInstanceIdleTimeout(), redis.getMaxInstances(), redis.getStreamMaxLength(),
                redis.getRecoveryWindow(), redis.getRecoveryMaxMessages());
    }
}
