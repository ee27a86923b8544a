package dev.conduit.websocket.spring.endpoint;

import dev.conduit.websocket.ConnListener;

/**
 * Gives each {@code @WebSocketEndpoint} its own {@link ConnListener}, knowing the endpoint's path
 * template: the seam for per-endpoint metrics ({@code uri} tag) and statistics. Every bean of this
 * type is asked once per endpoint at start-up; the listeners it returns are combined, in bean
 * order, with the application's single {@link ConnListener} bean (if any).
 *
 * <p>A listener receives the events of all the endpoint's connections, concurrently, on the
 * threads that cause them, so it must be thread-safe and must not block.
 */
@FunctionalInterface
public interface EndpointListenerFactory {

    /**
     * @param pathTemplate the endpoint's path as declared, for example {@code /rooms/{room}}; never a
     *                     request's raw path
     * @return the endpoint's listener, or {@code null} / {@link ConnListener#NONE} for none
     */
    ConnListener listenerFor(String pathTemplate);
}
