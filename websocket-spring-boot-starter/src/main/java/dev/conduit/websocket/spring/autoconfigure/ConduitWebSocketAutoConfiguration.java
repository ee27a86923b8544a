package dev.conduit.websocket.spring.autoconfigure;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.JsonCodec;
import dev.conduit.websocket.json.JacksonJsonCodec;
import dev.conduit.websocket.server.ServerTransport;
import dev.conduit.websocket.server.Upgrader;
import dev.conduit.websocket.spring.endpoint.ConnSupervision;
import dev.conduit.websocket.spring.endpoint.ConnectionRegistry;
import dev.conduit.websocket.spring.endpoint.EndpointListenerFactory;
import dev.conduit.websocket.spring.endpoint.HandlerContextPropagator;
import dev.conduit.websocket.spring.endpoint.HandlerExceptionCloseStatus;
import dev.conduit.websocket.spring.endpoint.HandshakeLimiter;
import dev.conduit.websocket.spring.endpoint.MdcPropagator;
import dev.conduit.websocket.spring.endpoint.WebSocketEndpointHandlerMapping;
import dev.conduit.websocket.spring.json.Jackson3JsonCodec;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of the Conduit WebSocket server side in a Servlet web application: an
 * {@link Upgrader} built from {@link ConduitWebSocketProperties}, routing of
 * {@code @WebSocketEndpoint} handlers through Spring MVC, the connection limit and graceful
 * shutdown. Every bean backs off when the application defines its own.
 *
 * <p>Runs on Spring Boot 3.5 and 4.0: it names no Boot class that moved between the two.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = {"dev.conduit.websocket.server.Upgrader", "org.springframework.web.servlet.DispatcherServlet"})
@ConditionalOnProperty(prefix = "conduit.websocket", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(ConduitWebSocketProperties.class)
public final class ConduitWebSocketAutoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(ConduitWebSocketAutoConfiguration.class);


    /**
     * @return the post-processor that resolves the connection limits and container defaults
     */
    @Bean
    public static ContainerDefaultsPostProcessor conduitWebSocketContainerDefaults() {
        return new ContainerDefaultsPostProcessor();
    }

    /**
     * The application's mapper, so that {@code spring.jackson.*} and its customizations shape the
     * wire format: Jackson 3's {@code JsonMapper} (Boot 4's) first, then Jackson 2's {@code ObjectMapper}
     * (Boot 3's), else a default Jackson 2 mapper.
     *
     * @param beanFactory to find the mappers
     * @param objectMapper the application's Jackson 2 mapper, if any
     * @return the codec behind {@code readJson}/{@code writeJson}
     */
    @Bean
    @ConditionalOnMissingBean
    public JsonCodec conduitWebSocketJsonCodec(ListableBeanFactory beanFactory, ObjectProvider<ObjectMapper> objectMapper) {
        ClassLoader classLoader = ConduitWebSocketAutoConfiguration.class.getClassLoader();
        if (ClassUtils.isPresent(Jackson3JsonCodec.JSON_MAPPER, classLoader)) {
            Object jsonMapper = beanFactory.getBeanProvider(ClassUtils.resolveClassName(Jackson3JsonCodec.JSON_MAPPER, classLoader))
                    .getIfUnique();
            if (jsonMapper != null) {
                return new Jackson3JsonCodec(jsonMapper);
            }
        }
        ObjectMapper mapper = objectMapper.getIfUnique();
        return mapper != null ? new JacksonJsonCodec(mapper) : JacksonJsonCodec.shared();
    }

    /**
     * @param properties the settings
     * @return the transport shared by every endpoint's upgrader: its read-loop threads stop when the
     *         context closes (after the web server, whose connections the registry closed first)
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ServerTransport conduitWebSocketServerTransport(ConduitWebSocketProperties properties) {
        ServerTransport transport = ServerTransport.create(properties.getTransport(), properties.getReadLoops());
        transport.announce(); // start-up: why auto does not take over here, and Tomcat members out of reach
        return transport;
    }

    /**
     * @return the upgrade request's MDC in the handler's log lines
     */
    @Bean
    @ConditionalOnMissingBean
    public MdcPropagator conduitWebSocketMdcPropagator() {
        return new MdcPropagator();
    }

    /**
     * @param properties the settings
     * @param serverTransport the shared transport
     * @param jsonCodec the JSON codec
     * @param listener a connection listener bean, if exactly one exists
     * @param customizers the application's adjustments
     * @return the upgrader; endpoints that set subprotocols, allowed origins or compression use a variant of it
     */
    @Bean
    @ConditionalOnMissingBean
    public Upgrader conduitWebSocketUpgrader(ConduitWebSocketProperties properties, ServerTransport serverTransport,
            JsonCodec jsonCodec, ObjectProvider<ConnListener> listener, ObjectProvider<UpgraderCustomizer> customizers) {
        Upgrader.Builder builder = Upgrader.builder()
                .serverTransport(serverTransport)
                .handshakeTimeout(properties.getHandshakeTimeout())
                .readBufferSize(Math.toIntExact(properties.getReadBufferSize().toBytes()))
                .writeBufferSize(Math.toIntExact(properties.getWriteBufferSize().toBytes()))
                .readLimit(properties.getMaxMessageSize().toBytes())
                .controlTimeout(properties.getControlTimeout())
                .closeTimeout(properties.getCloseTimeout())
                .subprotocols(List.copyOf(properties.getSubprotocols()))
                .allowedOriginPatterns(List.copyOf(properties.getAllowedOrigins()))
                .jsonCodec(jsonCodec);
        if (properties.getAllowedOrigins().contains("*")) {
            LOG.warn("conduit.websocket.allowed-origins contains \"*\": any web page can open these endpoints with"
                    + " its visitors' cookies (cross-site WebSocket hijacking); list the origins instead");
        }
        ConduitWebSocketProperties.Compression compression = properties.getCompression();
        builder.enableCompression(compression.isEnabled())
                .compressionLevel(compression.getLevel())
                .compressionMinSize(Math.toIntExact(compression.getMinSize().toBytes()))
                .compressionNoContextTakeover(compression.isServerNoContextTakeover(), compression.isClientNoContextTakeover());
        ConnListener connListener = listener.getIfUnique();
        if (connListener != null) {
            builder.listener(connListener);
        }
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder.build();
    }

    /**
     * @param limits the resolved limits
     * @param properties the settings
     * @return the registry that counts open connections and closes them on shutdown
     */
    @Bean
    @ConditionalOnMissingBean
    public ConnectionRegistry conduitWebSocketConnectionRegistry(ConnectionLimits limits, ConduitWebSocketProperties properties) {
        ConnectionRegistry registry = new ConnectionRegistry(limits.maxConnections(), properties.getShutdownTimeout());
        registry.setCloseTimeout(properties.getCloseTimeout());
        return registry;
    }

    /**
     * @param upgrader the upgrader, from which endpoints with their own subprotocols or origins derive theirs
     * @param registry the connection registry
     * @param properties the settings
     * @param listenerFactories per-endpoint listeners (metrics, statistics)
     * @param contextPropagators carry the request's thread-bound state to the handlers
     * @param exceptionCloseStatuses close statuses of exceptions that answer the client
     * @param environment for {@code server.forward-headers-strategy}
     * @return the Spring MVC handler mapping of the endpoints
     */
    @Bean
    @ConditionalOnMissingBean
    public WebSocketEndpointHandlerMapping conduitWebSocketHandlerMapping(Upgrader upgrader,
            ConnectionRegistry registry, ConduitWebSocketProperties properties,
            ObjectProvider<EndpointListenerFactory> listenerFactories, ObjectProvider<HandlerContextPropagator> contextPropagators,
            ObjectProvider<HandlerExceptionCloseStatus> exceptionCloseStatuses,
            Environment environment) {
        WebSocketEndpointHandlerMapping mapping = new WebSocketEndpointHandlerMapping(upgrader, registry,
                ApplicationConversionService.getSharedInstance(), properties.getMaxMessageSize().toBytes(),
                listenerFactories.orderedStream().toList());
        mapping.setSupervision(new ConnSupervision(properties.getIdleTimeout(), properties.getPingInterval(),
                properties.getPongTimeout()));
        mapping.setHandshakeLimiter(new HandshakeLimiter(properties.getMaxConcurrentHandshakes()));
        mapping.setContextPropagators(contextPropagators.orderedStream().toList());
        mapping.setExceptionCloseStatuses(exceptionCloseStatuses.orderedStream().toList());
        mapping.setForwardedHost(forwardHeaders(environment));
        return mapping;
    }

    // As Boot decides: native or framework turn forwarded headers on; unset, a cloud platform that uses them does.
    static boolean forwardHeaders(Environment environment) {
        String strategy = environment.getProperty("server.forward-headers-strategy");
        if (strategy == null || strategy.isBlank()) {
            CloudPlatform platform = CloudPlatform.getActive(environment);
            return platform != null && platform.isUsingForwardHeaders();
        }
        String normalized = strategy.trim().toLowerCase(Locale.ROOT);
        return normalized.equals("native") || normalized.equals("framework");
    }

    /**
     * @param limits the resolved limits
     * @param registry the connection registry
     * @param mapping the handler mapping
     * @return the container check and start-up report
     */
    @Bean
    @ConditionalOnMissingBean
    public ServletContainerCheck conduitWebSocketServletContainerCheck(ConnectionLimits limits, ConnectionRegistry registry,
            WebSocketEndpointHandlerMapping mapping) {
        return new ServletContainerCheck(limits, registry, mapping);
    }
}
