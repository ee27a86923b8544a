package dev.conduit.websocket.spring.endpoint;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.slf4j.MDC;
import org.springframework.core.Ordered;

/**
 * Gives the handler's log lines the upgrade request's MDC (a request id a filter put there, the
 * trace of the request): the request thread's MDC is copied when the request is routed, set on
 * the handler's thread before the handler runs and the thread's own MDC put back after it. First
 * of the propagators, so that the others (a tracer's scope) add to it.
 */
public final class MdcPropagator implements HandlerContextPropagator, Ordered {

    @Override
    public Snapshot capture(HttpServletRequest request) {
        Map<String, String> captured = MDC.getCopyOfContextMap();
        if (captured == null || captured.isEmpty()) {
            return Snapshot.NONE;
        }
        return () -> {
            Map<String, String> previous = MDC.getCopyOfContextMap();
            MDC.setContextMap(captured);
            return () -> {
                if (previous == null || previous.isEmpty()) {
                    MDC.clear();
                } else {
                    MDC.setContextMap(previous);
                }
            };
        };
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
