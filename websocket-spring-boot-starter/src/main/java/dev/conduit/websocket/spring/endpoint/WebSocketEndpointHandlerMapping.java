package dev.conduit.websocket.spring.endpoint;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.server.HandlerErrorHandler;
import dev.conduit.websocket.server.Upgrader;
import dev.conduit.websocket.spring.annotation.Compression;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationContext;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.convert.ConversionService;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.util.ClassUtils;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.servlet.handler.AbstractHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Routes requests to {@code @WebSocketEndpoint} handlers. It is a Spring MVC
 * {@link org.springframework.web.servlet.HandlerMapping} ahead of the controllers, so an upgrade
 * request passes the whole filter chain (Spring Security included) before the {@link Upgrader}
 * answers it. Every request to an endpoint's path is routed here, whatever its method, so that a
 * wrong request gets the handshake's own error status (405 for a POST, 400 or 426 for a plain GET).
 *
 * <p>The endpoints are found once all singletons exist: every bean method annotated with
 * {@link WebSocketEndpoint}, and every bean class annotated with it (its only public method with a
 * {@link Conn} parameter). Two endpoints with the same path make start-up fail.
 */
public final class WebSocketEndpointHandlerMapping extends AbstractHandlerMapping implements SmartInitializingSingleton {
    /** Spring MVC's {@code RequestMappingHandlerMapping} has order 0 and router functions -1. */
    public static final int ORDER = -100;

    private static final Logger log = LoggerFactory.getLogger(WebSocketEndpointHandlerMapping.class);
    private static final Pattern VARIABLE = Pattern.compile("\\{[^}]*}");
    // {name}, {name:regex} and {*name}
    private static final Pattern VARIABLE_NAME = Pattern.compile("\\{\\*?([^}:]+)(?::[^}]*)?}");

    private final Upgrader defaultUpgrader;
    private final ConnectionRegistry registry;
    private final ConversionService conversionService;
    private final long defaultReadLimit;
    private final List<EndpointListenerFactory> listenerFactories;
    private volatile ConnSupervision supervision = ConnSupervision.NONE;
    private volatile HandshakeLimiter handshakeLimiter = HandshakeLimiter.UNLIMITED;
    private volatile List<HandlerContextPropagator> contextPropagators = List.of();
    private volatile List<HandlerExceptionCloseStatus> exceptionCloseStatuses = List.of();
    private volatile boolean forwardedHost;
    private final PathPatternParser parser = new PathPatternParser();
    private volatile List<Route> routes = List.of();

    /**
     * @param defaultUpgrader the upgrader of endpoints without their own subprotocols, origins or
     *                        compression settings; the others use a variant of it
     * @param registry counts and tracks connections
     * @param conversionService converts path variables
     * @param defaultReadLimit the read limit of endpoints that set none, 0 for no limit
     */
    public WebSocketEndpointHandlerMapping(Upgrader defaultUpgrader, ConnectionRegistry registry, ConversionService conversionService, long defaultReadLimit) {
        this(defaultUpgrader, registry, conversionService, defaultReadLimit, List.of());
    }

    /**
     * @param defaultUpgrader the upgrader of endpoints without their own subprotocols or origins;
     *                        the others use a variant of it
     * @param registry counts and tracks connections
     * @param conversionService converts path variables
     * @param defaultReadLimit the read limit of endpoints that set none, 0 for no limit
     * @param listenerFactories give each endpoint listeners of its own, added to the upgrader's
     */
    public WebSocketEndpointHandlerMapping(Upgrader defaultUpgrader, ConnectionRegistry registry, ConversionService conversionService,
            long defaultReadLimit, List<EndpointListenerFactory> listenerFactories) {
        this.listenerFactories = List.copyOf(listenerFactories);
        this.defaultUpgrader = defaultUpgrader;
        this.registry = registry;
        this.conversionService = conversionService;
        this.defaultReadLimit = defaultReadLimit;
        setOrder(ORDER);
    }

    /**
     * Sets the idle timeout and keep-alive of the connections of endpoints registered from now on
     * (the auto-configuration calls it before the endpoints are detected).
     *
     * @param supervision what to watch on each connection
     */
    public void setSupervision(ConnSupervision supervision) {
        this.supervision = supervision == null ? ConnSupervision.NONE : supervision;
    }

    /**
     * Sets the bound on handshakes in progress, shared by the endpoints registered from now on.
     *
     * @param limiter the bound
     */
    public void setHandshakeLimiter(HandshakeLimiter limiter) {
        this.handshakeLimiter = limiter == null ? HandshakeLimiter.UNLIMITED : limiter;
    }

    /**
     * Sets what carries the request's thread-bound state to the handlers of endpoints registered
     * from now on.
     *
     * @param propagators the propagators, applied in order
     */
    public void setContextPropagators(List<HandlerContextPropagator> propagators) {
        this.contextPropagators = propagators == null ? List.of() : List.copyOf(propagators);
    }

    /**
     * Sets the close statuses of exceptions that answer the client, for endpoints registered from
     * now on (the auto-configuration calls it before the endpoints are detected).
     *
     * @param statuses the mappings, in order
     */
    public void setExceptionCloseStatuses(List<HandlerExceptionCloseStatus> statuses) {
        this.exceptionCloseStatuses = statuses == null ? List.of() : List.copyOf(statuses);
    }

    /**
     * With forwarded headers on ({@code server.forward-headers-strategy=native|framework}), the
     * same-origin check compares {@code Origin} with the request's scheme, server name and port as
     * the forwarded-header handling set them, rather than with the raw {@code Host} header.
     *
     * @param forwardedHost whether the application trusts forwarded headers
     */
    public void setForwardedHost(boolean forwardedHost) {
        this.forwardedHost = forwardedHost;
    }

    @Override
    public void afterSingletonsInstantiated() {
        ApplicationContext context = obtainApplicationContext();
        Map<String, WebSocketEndpointHandler> byPath = new LinkedHashMap<>();
        List<Route> found = new ArrayList<>();
        for (String beanName : context.getBeanNamesForType(Object.class, false, false)) {
            if (beanName.startsWith("scopedTarget.")) {
                continue;
            }
            Class<?> type;
            try {
                type = context.getType(beanName, false);
            } catch (RuntimeException e) {
                log.trace("Cannot determine the type of bean '{}'", beanName, e);
                continue;
            }
            if (type == null) {
                continue;
            }
            Class<?> userType = ClassUtils.getUserClass(type);
            for (Map.Entry<Method, WebSocketEndpoint> entry : endpointMethods(userType).entrySet()) {
                Route route = route(context.getBean(beanName), entry.getKey(), entry.getValue());
                String key = VARIABLE.matcher(route.pattern().getPatternString()).replaceAll("{}");
                WebSocketEndpointHandler previous = byPath.putIfAbsent(key, route.handler());
                if (previous != null) {
                    throw new IllegalStateException("Two @WebSocketEndpoint handlers are mapped to the path '"
                            + route.pattern().getPatternString() + "': " + previous.method() + " (path '" + previous.path()
                            + "') and " + route.handler().method() + ". Give each endpoint its own path.");
                }
                found.add(route);
            }
        }
        found.sort(Comparator.comparing(Route::pattern, PathPattern.SPECIFICITY_COMPARATOR));
        this.routes = List.copyOf(found);
        log.debug("Mapped WebSocket endpoints: {}", paths());
    }

    private static Map<Method, WebSocketEndpoint> endpointMethods(Class<?> type) {
        Map<Method, WebSocketEndpoint> methods = new LinkedHashMap<>(MethodIntrospector.selectMethods(type,
                (MethodIntrospector.MetadataLookup<WebSocketEndpoint>) method ->
                        AnnotatedElementUtils.findMergedAnnotation(method, WebSocketEndpoint.class)));
        WebSocketEndpoint onClass = AnnotatedElementUtils.findMergedAnnotation(type, WebSocketEndpoint.class);
        if (onClass == null) {
            return methods;
        }
        if (!methods.isEmpty()) {
            throw new IllegalStateException(type.getName() + " has @WebSocketEndpoint both on the class and on methods "
                    + methods.keySet().stream().map(EndpointMethod::describe).toList() + "; use one or the other");
        }
        List<Method> candidates = Arrays.stream(type.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() != Object.class)
                .filter(m -> Arrays.asList(m.getParameterTypes()).contains(Conn.class))
                .toList();
        if (candidates.size() != 1) {
            throw new IllegalStateException("@WebSocketEndpoint class " + type.getName()
                    + " must have exactly one public method with a Conn parameter, found "
                    + candidates.stream().map(EndpointMethod::describe).toList());
        }
        return Map.of(candidates.get(0), onClass);
    }

    private Route route(Object bean, Method method, WebSocketEndpoint annotation) {
        String path = annotation.path();
        if (path.isEmpty()) {
            throw new IllegalStateException("@WebSocketEndpoint on " + EndpointMethod.describe(method) + " has no path");
        }
        PathPattern pattern;
        try {
            pattern = parser.parse(path);
        } catch (RuntimeException e) {
            throw new IllegalStateException("@WebSocketEndpoint on " + EndpointMethod.describe(method)
                    + " has an invalid path '" + path + "': " + e.getMessage(), e);
        }
        Set<String> variables = variableNames(pattern);
        EndpointMethod endpointMethod = EndpointMethod.of(bean, method, variables, conversionService);
        List<String> subprotocols = List.of(annotation.subprotocols());
        List<String> origins = List.of(annotation.allowedOrigins());
        if (origins.contains("*")) {
            logger.warn("@WebSocketEndpoint " + path + " accepts upgrades from any origin (allowedOrigins \"*\"):"
                    + " any web page can open it with its visitors' cookies; list the origins instead");
        }
        Compression compression = annotation.compression();
        int compressionLevel = annotation.compressionLevel();
        // Every endpoint has its own variant of the upgrader: its listener, read limit and the WARN
        // naming its method when it throws; the Upgrader runs the connection's lifecycle.
        Upgrader.Builder variant = defaultUpgrader.toBuilder()
                .listener(endpointListener(path))
                .readLimit(annotation.maxMessageSize() < 0 ? defaultReadLimit : annotation.maxMessageSize())
                .handlerErrorHandler(warnAndThen(endpointMethod, defaultUpgrader.handlerErrorHandler()));
        if (!subprotocols.isEmpty()) {
            variant.subprotocols(subprotocols);
        }
        if (!origins.isEmpty()) {
            variant.allowedOriginPatterns(origins);
        }
        if (compression != Compression.DEFAULT) {
            variant.enableCompression(compression == Compression.ENABLED);
        }
        if (compressionLevel != WebSocketEndpoint.INHERITED_COMPRESSION_LEVEL) {
            try {
                variant.compressionLevel(compressionLevel);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("@WebSocketEndpoint on " + EndpointMethod.describe(method)
                        + " has an invalid compressionLevel " + compressionLevel + ": " + e.getMessage(), e);
            }
        }
        WebSocketEndpointHandler handler = new WebSocketEndpointHandler(path, endpointMethod, variant.build(), registry);
        handler.setSupervision(supervision);
        handler.setHandshakeLimiter(handshakeLimiter);
        handler.setContextPropagators(contextPropagators);
        handler.setExceptionCloseStatuses(exceptionCloseStatuses);
        return new Route(pattern, handler);
    }

    // A handler that throws is the application's bug: one WARN naming the method, then the upgrader's own callback.
    private HandlerErrorHandler warnAndThen(EndpointMethod method, HandlerErrorHandler next) {
        return (conn, error) -> {
            logger.warn("WebSocket handler " + method + " failed; the connection was closed with 1011", error);
            next.handlerFailed(conn, error);
        };
    }

    // The upgrader's listener (the application's ConnListener bean) plus the factories' ones for this path.
    private ConnListener endpointListener(String path) {
        if (listenerFactories.isEmpty()) {
            return defaultUpgrader.listener();
        }
        List<ConnListener> listeners = new ArrayList<>();
        listeners.add(defaultUpgrader.listener());
        for (EndpointListenerFactory factory : listenerFactories) {
            listeners.add(factory.listenerFor(path));
        }
        return ConnListener.composite(listeners);
    }

    private static Set<String> variableNames(PathPattern pattern) {
        Set<String> names = new java.util.LinkedHashSet<>();
        java.util.regex.Matcher m = VARIABLE_NAME.matcher(pattern.getPatternString());
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** @return the mapped path patterns, most specific first */
    public List<String> paths() {
        return routes.stream().map(r -> r.pattern().getPatternString()).toList();
    }

    /** @return the endpoints' handlers, most specific path first */
    public List<WebSocketEndpointHandler> handlers() {
        return routes.stream().map(Route::handler).toList();
    }

    @Override
    protected Object getHandlerInternal(HttpServletRequest request) {
        List<Route> current = routes;
        if (current.isEmpty()) {
            return null;
        }
        RequestPath requestPath = ServletRequestPathUtils.hasParsedRequestPath(request)
                ? ServletRequestPathUtils.getParsedRequestPath(request)
                : ServletRequestPathUtils.parseAndCache(request);
        PathContainer path = requestPath.pathWithinApplication();
        for (Route route : current) {
            PathPattern.PathMatchInfo match = route.pattern().matchAndExtract(path);
            if (match != null) {
                Map<String, String> variables = Collections.unmodifiableMap(new LinkedHashMap<>(match.getUriVariables()));
                exposeMatch(request, route.pattern().getPatternString(), variables);
                WebSocketEndpointHandler handler = route.handler();
                if (forwardedHost) {
                    return (HttpRequestHandler) (req, resp) -> handler.handle(ForwardedHostRequest.wrap(req), resp, variables);
                }
                return (HttpRequestHandler) (req, resp) -> handler.handle(req, resp, variables);
            }
        }
        return null;
    }

    // As Spring MVC's own mappings do: the template tags the request's http.server.requests observation
    // (uri="/echo", not UNKNOWN) and is visible to filters and interceptors.
    private static void exposeMatch(HttpServletRequest request, String pattern, Map<String, String> variables) {
        request.setAttribute(BEST_MATCHING_PATTERN_ATTRIBUTE, pattern);
        request.setAttribute(URI_TEMPLATE_VARIABLES_ATTRIBUTE, variables);
        ServerHttpObservationFilter.findObservationContext(request).ifPresent(context -> context.setPathPattern(pattern));
    }

    private record Route(PathPattern pattern, WebSocketEndpointHandler handler) {
    }
}
