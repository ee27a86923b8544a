package dev.conduit.websocket.spring.hub;

import dev.conduit.websocket.spring.hub.redis.AbstractRedisHubRelay;
import dev.conduit.websocket.spring.hub.redis.RedisHubRelay;
import dev.conduit.websocket.spring.hub.redis.RedisStreamsHubRelay;
import dev.conduit.websocket.spring.hub.redis.RedisRelayOptions;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Auto-configuration of the {@link Hub}: in memory by default; relayed through Redis (pub/sub, or a
 * stream with {@code conduit.websocket.hub.redis.mode=streams}) when Spring Data Redis is present and
 * {@code conduit.websocket.hub.redis.enabled=true}; measured by
 * Micrometer when it is present. Every bean backs off when the application defines its own.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration"})
@ConditionalOnClass(name = "dev.conduit.websocket.Conn")
@ConditionalOnProperty(prefix = "conduit.websocket.hub", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(HubProperties.class)
public class HubAutoConfiguration {

    /**
     * @param properties the settings
     * @param relay the relay to other instances, if any
     * @return the hub
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Hub conduitWebSocketHub(HubProperties properties, ObjectProvider<HubRelay> relay) {
        return new Hub(properties.getQueueCapacity(), properties.getQueueBytes().toBytes(), properties.getSlowReceiverPolicy(),
                properties.getWriteTimeout(),
                SenderExecutors.create(properties.isVirtualThreads(), properties.getSenderThreads()), relay.getIfUnique());
    }

    /** The Redis relay, when Spring Data Redis is present and the property turns it on. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.data.redis.connection.RedisConnectionFactory")
    @ConditionalOnProperty(prefix = "conduit.websocket.hub.redis", name = "enabled", havingValue = "true")
    static class RedisRelayConfiguration {

        /**
         * @param connectionFactory the application's Redis connection (spring.data.redis.*)
         * @param properties the settings
         * @return the relay
         */
        // Stopped before the connection factory it uses is destroyed (it depends on it); the hub's close stops it too.
        @Bean(destroyMethod = "stop")
        @ConditionalOnMissingBean(HubRelay.class)
        AbstractRedisHubRelay conduitWebSocketHubRedisRelay(RedisConnectionFactory connectionFactory, HubProperties properties) {
            RedisRelayOptions options = relayOptions(properties.getRedis());
            return properties.getRedis().getMode() == HubProperties.Redis.Mode.STREAMS
                    ? new RedisStreamsHubRelay(connectionFactory, options)
                    : new RedisHubRelay(connectionFactory, options);
        }
    }

    static RedisRelayOptions relayOptions(HubProperties.Redis redis) {
        return new RedisRelayOptions(redis.getChannel(), redis.getPublishQueueCapacity(),
                redis.getPublishQueueBytes().toBytes(), redis.getPublishTimeout(),
                (int) Math.min(Integer.MAX_VALUE - 64, redis.getMaxEnvelopeSize().toBytes()), redis.getSecret(),
                redis.getInstanceIdleTimeout(), redis.getMaxInstances(), redis.getStreamMaxLength(),
                redis.getRecoveryWindow(), redis.getRecoveryMaxMessages());
    }

    /** Micrometer meters for the hub; Actuator binds every MeterBinder bean to its registries. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static class HubMetricsConfiguration {

        /**
         * @param hub the hub
         * @return the binder of the hub's meters
         */
        @Bean
        @ConditionalOnMissingBean
        HubMeterBinder conduitWebSocketHubMeterBinder(Hub hub) {
            return new HubMeterBinder(hub);
        }
    }
}
