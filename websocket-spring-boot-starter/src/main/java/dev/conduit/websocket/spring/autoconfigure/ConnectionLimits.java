package dev.conduit.websocket.spring.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * The connection limit and the container's thread pool, made consistent. A connection's handler
 * runs on the container thread that served its upgrade and holds it until the connection ends
 * (the only way Servlet upgrade reads reliably, see the Upgrader's Javadoc). So:
 * <ul>
 *   <li>Tomcat on virtual threads ({@code spring.threads.virtual.enabled=true} on Java 21+): a
 *       connection costs a virtual thread; the limit defaults to 10000 and Tomcat's socket limit
 *       ({@code server.tomcat.max-connections}, unless set) is raised to leave 1000 sockets for
 *       ordinary requests.</li>
 *   <li>Platform threads: the limit defaults to 1000 and Tomcat's pool
 *       ({@code server.tomcat.threads.max}) or Undertow's worker pool
 *       ({@code server.undertow.threads.worker}), unless set, is raised to the limit plus 200 for
 *       ordinary requests. If the pool was set explicitly, the limit is lowered to leave at least a
 *       quarter of it to ordinary requests.</li>
 * </ul>
 * Decided by the Java version and the {@code spring.threads.virtual.enabled} property rather than
 * Boot's {@code Threading} enum, which moved between Boot 3.5 and 4.0.
 *
 * @param maxConnections the most connections open at once
 * @param virtualThreads whether Tomcat runs handlers on virtual threads
 * @param virtualThreadsRequested whether {@code spring.threads.virtual.enabled} is true
 * @param javaVersion the running Java feature version
 * @param container "tomcat", "undertow" or "other" (from the class path)
 * @param threadPoolMax the container pool size that applies (0 when not relevant)
 * @param capped whether the configured limit was lowered to fit an explicit pool size
 * @param defaults container properties the starter sets because the application did not
 */
public record ConnectionLimits(int maxConnections, boolean virtualThreads, boolean virtualThreadsRequested,
        int javaVersion, String container, int threadPoolMax, boolean capped, Map<String, Object> defaults) {

    /** The name of the property source holding {@link #defaults()}. */
    public static final String PROPERTY_SOURCE = "conduitWebSocketContainerDefaults";

    static final int DEFAULT_PLATFORM_CONNECTIONS = 1000;
    static final int DEFAULT_VIRTUAL_CONNECTIONS = 10_000;
    static final int HTTP_THREADS = 200;
    static final int HTTP_SOCKETS = 1000;

    /**
     * @param environment the application's environment, before the web server is created
     * @param classLoader to see which container is on the class path
     * @return the limits
     */
    public static ConnectionLimits resolve(ConfigurableEnvironment environment, ClassLoader classLoader) {
        Binder binder = Binder.get(environment);
        boolean requested = binder.bind("spring.threads.virtual.enabled", Boolean.class).orElse(false);
        int java = Runtime.version().feature();
        String container = ClassUtils.isPresent("org.apache.catalina.startup.Tomcat", classLoader) ? "tomcat"
                : ClassUtils.isPresent("io.undertow.Undertow", classLoader) ? "undertow" : "other";
        // Boot runs only Tomcat (and Jetty) on virtual threads, and only from Java 21.
        boolean virtual = requested && java >= 21 && container.equals("tomcat");
        Integer configured = binder.bind("conduit.websocket.max-connections", Integer.class).orElse(null);
        int max = configured != null ? configured : virtual ? DEFAULT_VIRTUAL_CONNECTIONS : DEFAULT_PLATFORM_CONNECTIONS;
        Map<String, Object> defaults = new LinkedHashMap<>();
        int pool = 0;
        boolean capped = false;
        if (container.equals("tomcat") && virtual) {
            Integer sockets = binder.bind("server.tomcat.max-connections", Integer.class).orElse(null);
            if (sockets == null) {
                defaults.put("server.tomcat.max-connections", Math.max(8192, max + HTTP_SOCKETS));
            } else if (configured == null && max > sockets - sockets / 4) {
                max = Math.max(1, sockets - sockets / 4);
                capped = true;
            }
        } else if (!container.equals("other")) {
            String key = container.equals("tomcat") ? "server.tomcat.threads.max" : "server.undertow.threads.worker";
            Integer threads = binder.bind(key, Integer.class).orElse(null);
            if (threads == null) {
                pool = max + HTTP_THREADS;
                defaults.put(key, pool);
            } else {
                pool = threads;
                int fits = Math.max(1, threads - Math.max(1, threads / 4));
                if (max > fits) {
                    max = fits;
                    capped = true;
                }
            }
        }
        return new ConnectionLimits(max, virtual, requested, java, container, pool, capped, Map.copyOf(defaults));
    }

    /**
     * @return these limits with no container defaults to apply, for an application without endpoints
     */
    public ConnectionLimits withoutDefaults() {
        return defaults.isEmpty() ? this : new ConnectionLimits(maxConnections, virtualThreads, virtualThreadsRequested,
                javaVersion, container, 0, capped, Map.of());
    }

    /**
     * Adds {@link #defaults()} to the environment, after every other property source so that
     * anything the application sets wins.
     *
     * @param environment the environment
     */
    public void applyDefaults(ConfigurableEnvironment environment) {
        if (!defaults.isEmpty() && !environment.getPropertySources().contains(PROPERTY_SOURCE)) {
            environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE, defaults));
        }
    }

    /** @return the start-up log line that states the limits and the threading model */
    public String describe() {
        StringBuilder s = new StringBuilder();
        if (virtualThreads) {
            s.append("handlers run on virtual threads (Java ").append(javaVersion).append(')');
            if (javaVersion < 24) {
                s.append("; before Java 24 a virtual thread blocked in Tomcat's I/O pins its carrier, Java 24+ is recommended");
            }
        } else {
            s.append("each open connection holds a platform thread");
            if (threadPoolMax > 0) {
                s.append(" of the ").append(container.equals("tomcat") ? "Tomcat pool (server.tomcat.threads.max="
                        : "Undertow worker pool (server.undertow.threads.worker=").append(threadPoolMax).append(')');
            }
            if (virtualThreadsRequested && javaVersion < 21) {
                s.append("; spring.threads.virtual.enabled has no effect on Java ").append(javaVersion);
            } else if (javaVersion >= 21 && container.equals("tomcat")) {
                s.append("; set spring.threads.virtual.enabled=true to use virtual threads");
            }
        }
        s.append("; at most ").append(maxConnections).append(" connections")
                .append(capped ? " (lowered to fit the configured thread pool)" : "")
                .append(", more are refused with 503");
        return s.toString();
    }
}
