package dev.conduit.websocket.spring.security;

import dev.conduit.websocket.spring.endpoint.HandlerContextPropagator;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolderStrategy;

/**
 * Puts the upgrade request's {@link SecurityContext} (as the filter chain left it) into the
 * handler thread's {@code SecurityContextHolder} for the duration of the handler method, so that
 * {@code @PreAuthorize} beans and anything else that reads the holder see the caller; the holder
 * is put back as it was afterwards. A request without authentication propagates nothing.
 */
public final class SecurityContextPropagator implements HandlerContextPropagator {
    private final SecurityContextHolderStrategy strategy;

    /**
     * @param strategy the holder strategy the application uses (Spring Security's default when it defines none)
     */
    public SecurityContextPropagator(SecurityContextHolderStrategy strategy) {
        this.strategy = strategy;
    }

    @Override
    public Snapshot capture(HttpServletRequest request) {
        Authentication authentication = strategy.getContext().getAuthentication();
        if (authentication == null) {
            return Snapshot.NONE;
        }
        // A context of its own: the request's may be cleared or changed when the request ends.
        SecurityContext captured = strategy.createEmptyContext();
        captured.setAuthentication(authentication);
        return () -> {
            SecurityContext previous = strategy.getContext();
            strategy.setContext(captured);
            return () -> {
                if (previous.getAuthentication() == null) {
                    strategy.clearContext();
                } else {
                    strategy.setContext(previous);
                }
            };
        };
    }
}
