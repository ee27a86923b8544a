package dev.conduit.websocket.spring.autoconfigure;

import dev.conduit.websocket.spring.endpoint.ConnectionRegistry;
import dev.conduit.websocket.spring.endpoint.WebSocketEndpointHandlerMapping;
import jakarta.servlet.ServletContext;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.util.ClassUtils;
import org.springframework.web.context.ServletContextAware;

/**
 * Refuses to start on Jetty and states at start-up, once, what the server side does: endpoints,
 * container, threading model and limits.
 *
 * <p>Jetty's Servlet upgrade cannot carry a WebSocket connection: Jetty 12.0 (Boot 3.5) throws
 * "Not implemented", and on Jetty 12.1 (Boot 4.0) the upgraded stream reports end of input at once
 * while the client's frames are parsed as a new HTTP request. Failing at start-up beats connections
 * that break on first use.
 */
public class ServletContainerCheck implements ServletContextAware, BeanClassLoaderAware, InitializingBean,
        ApplicationListener<ContextRefreshedEvent> {
    static final String JETTY_MESSAGE = "Conduit WebSocket cannot run on Jetty: Jetty's Servlet HTTP upgrade does not "
            + "hand over the connection (12.0 throws \"Not implemented\", 12.1 ends the upgraded stream at once). "
            + "Use Tomcat (spring-boot-starter-tomcat, the default of the web starter) or, on Spring Boot 3.5, Undertow; "
            + "or set conduit.websocket.enabled=false.";

    private static final Logger log = LoggerFactory.getLogger(ServletContainerCheck.class);

    private final ConnectionLimits limits;
    private final ConnectionRegistry registry;
    private final WebSocketEndpointHandlerMapping mapping;
    private final AtomicBoolean reported = new AtomicBoolean();
    private ClassLoader classLoader;
    private String serverInfo = "an unknown Servlet container";

    /**
     * @param limits the resolved limits
     * @param registry the connection registry (for the effective limit and shutdown timeout)
     * @param mapping the endpoint mapping (for the endpoints' paths)
     */
    public ServletContainerCheck(ConnectionLimits limits, ConnectionRegistry registry, WebSocketEndpointHandlerMapping mapping) {
        this.limits = limits;
        this.registry = registry;
        this.mapping = mapping;
    }

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    @Override
    public void setServletContext(ServletContext servletContext) {
        String info = servletContext.getServerInfo();
        if (info != null) {
            serverInfo = info;
            if (info.toLowerCase(Locale.ROOT).contains("jetty")) {
                throw new IllegalStateException(JETTY_MESSAGE + " (running on " + info + ")");
            }
        }
    }

    @Override
    public void afterPropertiesSet() {
        // Boot picks Tomcat first, then Jetty, then Undertow: Jetty serves when Tomcat and Undertow are absent.
        if (!ClassUtils.isPresent("org.apache.catalina.startup.Tomcat", classLoader)
                && !ClassUtils.isPresent("io.undertow.Undertow", classLoader)
                && ClassUtils.isPresent("org.eclipse.jetty.server.Server", classLoader)) {
            throw new IllegalStateException(JETTY_MESSAGE);
        }
    }

    @Override
    public void onApplicationEvent(ContextRefreshedEvent event) {
        if (reported.compareAndSet(false, true)) {
            log.info("Conduit WebSocket: {} endpoints {} on {}; {}; shutdown sends close 1001 and waits up to {}",
                    mapping.paths().size(), mapping.paths(), serverInfo, limits.describe(), DurationStyle.SIMPLE.print(registry.shutdownTimeout()));
        }
    }
}
