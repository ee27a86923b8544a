package dev.conduit.websocket.spring.actuate;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.ConnListener;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live count and totals since start of one endpoint's connections, for the {@code websockets}
 * Actuator endpoint. Independent of Micrometer. Thread-safe.
 */
public final class EndpointActivity implements ConnListener {
    private final AtomicLong active = new AtomicLong();
    private final LongAdder opened = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder messagesReceived = new LongAdder();
    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final LongAdder errors = new LongAdder();

    @Override
    public void handshakeFailed(int status, java.io.IOException error) {
        refused.increment();
    }

    @Override
    public void opened(Conn conn) {
        active.incrementAndGet();
        opened.increment();
    }

    @Override
    public void messageRead(int messageType, long bytes) {
        messagesReceived.increment();
    }

    @Override
    public void messageWritten(int messageType, long bytes) {
        messagesSent.increment();
    }

    @Override
    public void error(ErrorKind kind, Throwable error) {
        errors.increment();
    }

    @Override
    public void closed(int code, Initiator initiator) {
        active.decrementAndGet();
        closed.increment();
    }

    /** @return connections open now */
    public long active() {
        return active.get();
    }

    /** @return a snapshot of the totals since start */
    public Totals totals() {
        return new Totals(opened.sum(), refused.sum(), messagesReceived.sum(), messagesSent.sum(), closed.sum(), errors.sum());
    }

    /**
     * Totals since the application started.
     *
     * @param opened connections opened
     * @param refused upgrade requests refused
     * @param messagesReceived data messages read
     * @param messagesSent data messages written
     * @param closes connections ended
     * @param errors errors reported on connections
     */
    public record Totals(long opened, long refused, long messagesReceived, long messagesSent, long closes, long errors) {
    }
}
