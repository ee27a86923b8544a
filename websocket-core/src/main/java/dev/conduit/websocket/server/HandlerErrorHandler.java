package dev.conduit.websocket.server;

import dev.conduit.websocket.Conn;

/**
 * Told when a {@link ConnHandler} threw. By then the close message 1011 has been sent (if the
 * connection could still write) and the connection is being closed; the default does nothing
 * beyond a DEBUG log line, so that a framework (the Spring Boot starter) logs it once, its way.
 */
@FunctionalInterface
public interface HandlerErrorHandler {
    /** Ignores the error (the Upgrader still logs it at DEBUG). */
    HandlerErrorHandler NONE = (conn, error) -> {
    };

    /**
     * @param conn the connection whose handler threw
     * @param error what it threw
     */
    void handlerFailed(Conn conn, Throwable error);
}
