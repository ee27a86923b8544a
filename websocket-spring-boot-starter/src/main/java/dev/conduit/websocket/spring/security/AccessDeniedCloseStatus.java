package dev.conduit.websocket.spring.security;

import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.spring.endpoint.HandlerExceptionCloseStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;

/**
 * Spring Security's refusals inside a handler (a {@code @PreAuthorize} method the connection's user
 * may not call, an authentication that is missing or expired) close the connection with 1008,
 * policy violation: the client is told it is refused, not that the server failed, and a
 * reconnecting client stops rather than retrying.
 */
public final class AccessDeniedCloseStatus implements HandlerExceptionCloseStatus {
    private static final CloseStatus ACCESS_DENIED = new CloseStatus(WebSocket.CLOSE_POLICY_VIOLATION, "access denied");
    private static final CloseStatus NOT_AUTHENTICATED = new CloseStatus(WebSocket.CLOSE_POLICY_VIOLATION, "not authenticated");

    @Override
    public CloseStatus closeStatus(Throwable error) {
        if (error instanceof AccessDeniedException) {
            return ACCESS_DENIED;
        }
        if (error instanceof AuthenticationException) {
            return NOT_AUTHENTICATED;
        }
        return null;
    }
}
