package dev.conduit.websocket.spring.observation;

import dev.conduit.websocket.spring.endpoint.HandlerContextPropagator;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.ObservationView;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Observes each connection for as long as its handler runs: the observation is a child of the
 * upgrade request's ({@code http.server.requests}) and is in scope on the handler's thread, so a
 * tracer makes it a span of the request's trace and puts its trace id in the handler's MDC.
 */
public final class ConnectionObservationPropagator implements HandlerContextPropagator {
    private static final WebSocketConnectionObservationConvention DEFAULT = new DefaultWebSocketConnectionObservationConvention();

    private final ObservationRegistry registry;
    private final WebSocketConnectionObservationConvention convention;

    /**
     * @param registry the application's observation registry
     * @param convention replaces the default convention, or {@code null}
     */
    public ConnectionObservationPropagator(ObservationRegistry registry, WebSocketConnectionObservationConvention convention) {
        this.registry = registry;
        this.convention = convention;
    }

    // The request's http.server.requests observation: the current one (ServerHttpObservationFilter keeps it in
    // scope while the chain runs) or, when a filter's own observation (Spring Security's) is current, its ancestor.
    private static Observation requestObservation(HttpServletRequest request, Observation current) {
        Observation.ContextView requestContext = ServerHttpObservationFilter.findObservationContext(request).orElse(null);
        if (requestContext != null) {
            for (ObservationView o = current; o != null; o = o.getContextView().getParentObservation()) {
                if (o.getContextView() == requestContext && o instanceof Observation observation) {
                    return observation;
                }
            }
        }
        return current;
    }

    @Override
    public Snapshot capture(HttpServletRequest request) {
        Object template = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        String uri = template instanceof String s ? s : "UNKNOWN";
        Observation requestObservation = requestObservation(request, registry.getCurrentObservation());
        return () -> {
            WebSocketConnectionContext context = new WebSocketConnectionContext(uri);
            Observation observation = Observation.createNotStarted(convention, DEFAULT, () -> context, registry);
            if (requestObservation != null) {
                observation.parentObservation(requestObservation);
            }
            observation.start();
            Observation.Scope scope = observation.openScope();
            return new Scope() {
                @Override
                public void handlerEnded(Throwable failure) {
                    context.handlerEnded(failure);
                    if ("ERROR".equals(context.getOutcome())) {
                        observation.error(failure);
                    }
                }

                @Override
                public void close() {
                    scope.close();
                    observation.stop();
                }
            };
        };
    }
}
