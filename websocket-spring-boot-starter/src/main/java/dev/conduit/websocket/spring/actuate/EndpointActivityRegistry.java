package dev.conduit.websocket.spring.actuate;

import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.spring.endpoint.EndpointListenerFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Keeps an {@link EndpointActivity} per endpoint path template. */
public final class EndpointActivityRegistry implements EndpointListenerFactory {
    private final Map<String, EndpointActivity> byPath = new ConcurrentHashMap<>();

    @Override
    public ConnListener listenerFor(String pathTemplate) {
        return byPath.computeIfAbsent(pathTemplate, p -> new EndpointActivity());
    }

    /**
     * @param pathTemplate an endpoint's path template
     * @return its activity, or {@code null} if it was not mapped
     */
    public EndpointActivity activity(String pathTemplate) {
        return byPath.get(pathTemplate);
    }
}
