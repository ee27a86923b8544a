package dev.conduit.websocket.spring.observation;

import io.micrometer.common.KeyValues;

/**
 * {@code websocket.server.connection} with the low-cardinality keys {@code uri} (the path template),
 * {@code outcome} and {@code close.code}; the contextual name (a span's name) is
 * {@code websocket <uri>}.
 */
public class DefaultWebSocketConnectionObservationConvention implements WebSocketConnectionObservationConvention {
    /** The observation's name (a timer of this name with Micrometer metrics). */
    public static final String NAME = "websocket.server.connection";

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(WebSocketConnectionContext context) {
        return "websocket " + context.getUri();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(WebSocketConnectionContext context) {
        return KeyValues.of("uri", context.getUri(), "outcome", context.getOutcome(), "close.code", context.getCloseCode());
    }
}
