package dev.conduit.websocket.spring.connections;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The counts of {@link WebSocketConnections} as Micrometer meters: {@code websocket.connections.sent}
 * (principal messages queued on this instance's connections, one per connection),
 * {@code websocket.connections.dropped} (connections closed because they did not take their messages)
 * and {@code websocket.connections.relay.rejected} (principal messages from the relay refused as malformed).
 */
public class ConnectionsMeterBinder implements MeterBinder {
    private final WebSocketConnections connections;

    /** @param connections what to measure */
    public ConnectionsMeterBinder(WebSocketConnections connections) {
        this.connections = connections;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("websocket.connections.sent", connections, WebSocketConnections::sentMessages)
                .description("Principal messages queued on this instance's connections (one per connection)").register(registry);
        FunctionCounter.builder("websocket.connections.dropped", connections, WebSocketConnections::droppedConnections)
                .description("Connections closed because they did not take their principal messages (full queue, write timeout)")
                .register(registry);
        FunctionCounter.builder("websocket.connections.relay.rejected", connections, WebSocketConnections::rejectedRelayedMessages)
                .description("Principal messages from the hub's relay refused as malformed").register(registry);
    }
}
