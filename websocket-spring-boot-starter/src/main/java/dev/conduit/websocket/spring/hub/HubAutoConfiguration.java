package dev.conduit.websocket.spring.hub;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of the {@link Hub}: in memory by default; relayed to other instances by the
 * {@link HubRelay} bean when there is one (the Redis relay's own auto-configuration defines it when
 * Spring Data Redis is present and {@code conduit.websocket.hub.redis.enabled=true}); measured by
 * Micrometer when it is present. Every bean backs off when the application defines its own.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration"})
@ConditionalOnClass(name = "dev.conduit.websocket.Conn")
@ConditionalOnWebApplication
@ConditionalOnProperty(prefix = "conduit.websocket.hub", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(HubProperties.class)
public class HubAutoConfiguration {

    /**
     * @param properties the settings
     * @param relay the relay to other instances, if any
     * @param environment for {@code spring.threads.virtual.enabled}
     * @return the hub
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Hub conduitWebSocketHub(HubProperties properties, ObjectProvider<HubRelay> relay, Environment environment) {
        return new Hub(properties.getQueueCapacity(), properties.getQueueBytes().toBytes(), properties.getSlowReceiverPolicy(),
                properties.getWriteTimeout(),
                SenderExecutors.create(virtualSenders(properties, environment), properties.getSenderThreads()), relay.getIfUnique());
    }

    // conduit.websocket.hub.virtual-threads when set, otherwise what the application chose for its own threads.
    static boolean virtualSenders(HubProperties properties, Environment environment) {
        Boolean configured = properties.getVirtualThreads();
        return configured != null ? configured : environment.getProperty("spring.threads.virtual.enabled", Boolean.class, false);
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
