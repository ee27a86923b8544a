package dev.conduit.websocket.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/** Names and tags the {@code websocket.server.connection} observation; define a bean to replace the default. */
public interface WebSocketConnectionObservationConvention extends ObservationConvention<WebSocketConnectionContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof WebSocketConnectionContext;
    }
}
