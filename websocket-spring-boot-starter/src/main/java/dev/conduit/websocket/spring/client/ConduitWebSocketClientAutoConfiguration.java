package dev.conduit.websocket.spring.client;

import dev.conduit.websocket.JsonCodec;
import dev.conduit.websocket.client.Dialer;
import dev.conduit.websocket.spring.autoconfigure.ConduitWebSocketAutoConfiguration;
import dev.conduit.websocket.spring.metrics.WebSocketMeters;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * A {@link Dialer} bean from {@code conduit.websocket.client.*}, in any application (web or not),
 * with the {@code websocket.client.*} meters (tag {@code uri} = {@code conduit.websocket.client.name})
 * when a {@code MeterRegistry} exists, the application's {@link JsonCodec} when there is one, and
 * every {@link DialerCustomizer}. Backs off when the application defines its own Dialer.
 */
@AutoConfiguration(after = ConduitWebSocketAutoConfiguration.class)
@ConditionalOnClass(name = "dev.conduit.websocket.client.Dialer")
@ConditionalOnProperty(prefix = "conduit.websocket.client", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(ConduitWebSocketClientProperties.class)
public class ConduitWebSocketClientAutoConfiguration {

    /**
     * @param properties the settings
     * @param jsonCodec the application's codec, if any
     * @param customizers the application's adjustments, and the meters' when Micrometer is present
     * @return the dialer
     */
    @Bean
    @ConditionalOnMissingBean
    public Dialer conduitWebSocketDialer(ConduitWebSocketClientProperties properties, ObjectProvider<JsonCodec> jsonCodec,
            ObjectProvider<DialerCustomizer> customizers) {
        Dialer.Builder builder = Dialer.builder()
                .handshakeTimeout(properties.getHandshakeTimeout())
                .readBufferSize(Math.toIntExact(properties.getReadBufferSize().toBytes()))
                .writeBufferSize(Math.toIntExact(properties.getWriteBufferSize().toBytes()))
                .readLimit(properties.getMaxMessageSize().toBytes())
                .controlTimeout(properties.getControlTimeout())
                .subprotocols(List.copyOf(properties.getSubprotocols()))
                .enableCompression(properties.isCompression());
        JsonCodec codec = jsonCodec.getIfUnique();
        if (codec != null) {
            builder.jsonCodec(codec);
        }
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder.build();
    }

    /** The websocket.client.* meters, when Micrometer is on the class path and a registry exists. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    @ConditionalOnProperty(prefix = "conduit.websocket.metrics", name = "enabled", matchIfMissing = true)
    static class MetersConfiguration {

        /** First of the customizers, so that the application's may replace or wrap the listener. */
        @Bean
        @Order(Ordered.HIGHEST_PRECEDENCE)
        DialerCustomizer conduitWebSocketDialerMeters(ObjectProvider<MeterRegistry> registry, ConduitWebSocketClientProperties properties) {
            return builder -> {
                MeterRegistry meterRegistry = registry.getIfUnique();
                if (meterRegistry != null) {
                    builder.listener(WebSocketMeters.client(meterRegistry).listener(properties.getName()));
                }
            };
        }
    }
}
