package dev.conduit.websocket.spring.metrics;

import dev.conduit.websocket.server.ServerTransport;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The server transport's meter: {@code websocket.server.takeover.late} (counter), the connections
 * whose takeover of Tomcat's channel found Tomcat's poller late (a machine too busy to run it in
 * time) and that use the container's streams instead. They work; the takeover stays on for the
 * next ones. A takeover that fails turns itself off instead, which the {@code websockets} health
 * details and Actuator endpoint report.
 */
public final class TransportMeters {
    /** The counter's name. */
    public static final String LATE_TAKEOVERS = WebSocketMeters.SERVER_PREFIX + ".takeover.late";

    /**
     * Registers the transport's meter.
     *
     * @param registry where it goes
     * @param transport the transport to measure
     */
    public TransportMeters(MeterRegistry registry, ServerTransport transport) {
        FunctionCounter.builder(LATE_TAKEOVERS, transport, t -> t.status().lateTakeovers())
                .description("Connections a late Tomcat poller left on the container's streams")
                .register(registry);
    }
}
