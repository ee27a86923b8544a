package dev.conduit.websocket.spring.hub;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;

/**
 * The hub's counts as Micrometer meters: {@code websocket.hub.published}, {@code websocket.hub.delivered},
 * {@code websocket.hub.dropped} (tag {@code kind}: {@code message} or {@code connection}) and
 * {@code websocket.hub.relay.lost} (tag {@code side}: {@code publish} or {@code receive}),
 * {@code websocket.hub.relay.rejected} (tag {@code reason}, see {@link RelayRejection}) and the gauge
 * {@code websocket.hub.relay.outbox} (bytes waiting for the relay).
 */
public class HubMeterBinder implements MeterBinder {
    private final Hub hub;

    /** @param hub the hub to measure */
    public HubMeterBinder(Hub hub) {
        this.hub = hub;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "websocket.hub.published", "Broadcasts made on this instance", s -> s.published());
        counter(registry, "websocket.hub.delivered", "Messages written to this instance's connections", s -> s.delivered());
        FunctionCounter.builder("websocket.hub.dropped", hub, h -> h.stats().droppedMessages())
                .description("Messages not written to a connection (full queue, or the connection was dropped)")
                .tag("kind", "message").register(registry);
        FunctionCounter.builder("websocket.hub.dropped", hub, h -> h.stats().droppedConnections())
                .description("Connections dropped by the hub (failed write or full queue)")
                .tag("kind", "connection").register(registry);
        FunctionCounter.builder("websocket.hub.relay.lost", hub, h -> h.stats().relayLostOnPublish())
                .description("Broadcasts of this instance the relay could not pass on")
                .tag("side", "publish").register(registry);
        FunctionCounter.builder("websocket.hub.relay.lost", hub, h -> h.stats().relayLostOnReceive())
                .description("Broadcasts of other instances this instance missed")
                .tag("side", "receive").register(registry);
        for (RelayRejection reason : RelayRejection.values()) {
            FunctionCounter.builder("websocket.hub.relay.rejected", hub, h -> h.relayRejected(reason))
                    .description("Messages from the shared channel or stream refused (malformed, forged, too large)")
                    .tag("reason", reason.tag()).register(registry);
        }
        Gauge.builder("websocket.hub.relay.outbox", hub, Hub::relayOutboxBytes)
                .description("Bytes of broadcasts waiting to be handed to the other instances")
                .baseUnit("bytes").register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<HubStats> value) {
        FunctionCounter.builder(name, hub, h -> value.applyAsDouble(h.stats())).description(description).register(registry);
    }
}
