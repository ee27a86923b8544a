package dev.conduit.websocket.spring.metrics;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.WebSocket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The meters of one route (one {@code uri} tag value) and the listener that moves them. Meters
 * that every route has are registered up front, so that dashboards show zeros rather than gaps;
 * close and refusal counters, whose tag values are many, on first use. The hot path (messages,
 * pings) only increments meters held in fields.
 */
final class RouteMeters implements ConnListener {
    private static final ConnListener.Initiator[] INITIATORS = ConnListener.Initiator.values();
    // 1000..1015, 3xxx, 4xxx, other
    private static final int CODE_BUCKETS = 19;

    private final MeterRegistry registry;
    private final String prefix;
    private final Tags tags;
    private final AtomicLong active = new AtomicLong();
    private final Timer duration;
    private final Counter upgradeSuccess;
    private final ConcurrentMap<Integer, Counter> upgradeFailures = new ConcurrentHashMap<>();
    private final DistributionSummary receivedText;
    private final DistributionSummary receivedBinary;
    private final DistributionSummary sentText;
    private final DistributionSummary sentBinary;
    private final Counter pingsSent;
    private final Counter pingsReceived;
    private final Counter pongsSent;
    private final Counter pongsReceived;
    private final Counter[] errors;
    private final AtomicReferenceArray<Counter> closes = new AtomicReferenceArray<>(CODE_BUCKETS * INITIATORS.length);

    RouteMeters(MeterRegistry registry, String prefix, Tags tags) {
        this.registry = registry;
        this.prefix = prefix;
        this.tags = tags;
        Gauge.builder(prefix + ".connections.active", active, AtomicLong::get)
                .description("WebSocket connections open now")
                .baseUnit(BaseUnits.CONNECTIONS)
                .tags(tags)
                .strongReference(true)
                .register(registry);
        this.duration = Timer.builder(prefix + ".connection.duration")
                .description("How long WebSocket connections stayed open, recorded when they end")
                .tags(tags)
                .register(registry);
        this.upgradeSuccess = upgradeCounter("success", "101");
        this.receivedText = messages("received", "text");
        this.receivedBinary = messages("received", "binary");
        this.sentText = messages("sent", "text");
        this.sentBinary = messages("sent", "binary");
        this.pingsSent = control("pings", "sent");
        this.pingsReceived = control("pings", "received");
        this.pongsSent = control("pongs", "sent");
        this.pongsReceived = control("pongs", "received");
        ErrorKind[] kinds = ErrorKind.values();
        this.errors = new Counter[kinds.length];
        for (ErrorKind kind : kinds) {
            errors[kind.ordinal()] = Counter.builder(prefix + ".errors")
                    .description("Errors that ended or disturbed WebSocket connections")
                    .tags(tags).tag("kind", kind.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
    }

    private DistributionSummary messages(String direction, String type) {
        return DistributionSummary.builder(prefix + ".messages." + direction)
                .description("WebSocket data messages " + direction + " and their payload size")
                .baseUnit(BaseUnits.BYTES)
                .tags(tags).tag("type", type)
                .register(registry);
    }

    private Counter control(String what, String direction) {
        return Counter.builder(prefix + "." + what)
                .description("WebSocket " + what + " " + direction)
                .tags(tags).tag("direction", direction)
                .register(registry);
    }

    private Counter upgradeCounter(String outcome, String status) {
        return Counter.builder(prefix + ".upgrades")
                .description("WebSocket opening handshakes by outcome and HTTP status")
                .tags(tags).tag("outcome", outcome).tag("status", status)
                .register(registry);
    }

    @Override
    public ConnListener perConnection() {
        return new ConnectionTiming(this, System.nanoTime());
    }

    @Override
    public void handshakeFailed(int status, IOException error) {
        upgradeFailures.computeIfAbsent(status, s -> s >= 200 && s <= 599
                ? upgradeCounter("refused", Integer.toString(s))
                : upgradeCounter("failed", s == 0 ? "none" : s >= 100 && s <= 599 ? Integer.toString(s) : "other"))
                .increment();
    }

    @Override
    public void opened(Conn conn) {
        active.incrementAndGet();
        upgradeSuccess.increment();
    }

    @Override
    public void messageRead(int messageType, long bytes) {
        (messageType == WebSocket.TEXT_MESSAGE ? receivedText : receivedBinary).record(bytes);
    }

    @Override
    public void messageWritten(int messageType, long bytes) {
        (messageType == WebSocket.TEXT_MESSAGE ? sentText : sentBinary).record(bytes);
    }

    @Override
    public void controlReceived(int messageType) {
        (messageType == WebSocket.PING_MESSAGE ? pingsReceived : pongsReceived).increment();
    }

    @Override
    public void controlSent(int messageType) {
        (messageType == WebSocket.PING_MESSAGE ? pingsSent : pongsSent).increment();
    }

    @Override
    public void error(ErrorKind kind, Throwable error) {
        errors[kind.ordinal()].increment();
    }

    @Override
    public void closed(int code, Initiator initiator) {
        active.decrementAndGet();
        int bucket = codeBucket(code);
        int index = bucket * INITIATORS.length + initiator.ordinal();
        Counter counter = closes.get(index);
        if (counter == null) {
            // Registering twice returns the same counter, so a race here is harmless.
            counter = Counter.builder(prefix + ".closes")
                    .description("WebSocket connections ended, by close code and who closed first")
                    .tags(tags).tag("code", codeTag(bucket)).tag("initiator", initiator.name().toLowerCase(Locale.ROOT))
                    .register(registry);
            closes.set(index, counter);
        }
        counter.increment();
    }

    void connectionEnded(long openedNanos) {
        duration.record(System.nanoTime() - openedNanos, TimeUnit.NANOSECONDS);
    }

    /** @return the bucket of a close code: 0..15 for 1000..1015, 16 for 3xxx, 17 for 4xxx, 18 for any other */
    static int codeBucket(int code) {
        if (code >= 1000 && code <= 1015) {
            return code - 1000;
        }
        if (code >= 3000 && code <= 3999) {
            return 16;
        }
        return code >= 4000 && code <= 4999 ? 17 : 18;
    }

    static String codeTag(int bucket) {
        return bucket < 16 ? Integer.toString(1000 + bucket) : bucket == 16 ? "3xxx" : bucket == 17 ? "4xxx" : "other";
    }

    /** One connection's view: the route's meters plus when it opened, for the duration timer. */
    private static final class ConnectionTiming implements ConnListener {
        private final RouteMeters route;
        private final long openedNanos;

        ConnectionTiming(RouteMeters route, long openedNanos) {
            this.route = route;
            this.openedNanos = openedNanos;
        }

        @Override
        public void opened(Conn conn) {
            route.opened(conn);
        }

        @Override
        public void messageRead(int messageType, long bytes) {
            route.messageRead(messageType, bytes);
        }

        @Override
        public void messageWritten(int messageType, long bytes) {
            route.messageWritten(messageType, bytes);
        }

        @Override
        public void controlReceived(int messageType) {
            route.controlReceived(messageType);
        }

        @Override
        public void controlSent(int messageType) {
            route.controlSent(messageType);
        }

        @Override
        public void error(ErrorKind kind, Throwable error) {
            route.error(kind, error);
        }

        @Override
        public void closed(int code, Initiator initiator) {
            route.connectionEnded(openedNanos);
            route.closed(code, initiator);
        }
    }
}
