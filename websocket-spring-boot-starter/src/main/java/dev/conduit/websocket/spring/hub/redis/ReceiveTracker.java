package dev.conduit.websocket.spring.hub.redis;

import dev.conduit.websocket.spring.hub.RelayRejection;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side's bookkeeping, shared by the relays: drops this instance's own echo and
 * repeats, counts the gaps in each publisher's sequence numbers, counts refused envelopes by
 * reason, and logs both at WARN at most once a minute. The last sequence number of an instance
 * not heard from for {@code instanceIdleTimeout} is forgotten, and at most {@code maxInstances}
 * are tracked (the least recently heard goes first), so the state stays bounded whatever the
 * channel carries.
 */
final class ReceiveTracker {
    private static final Logger log = LoggerFactory.getLogger(ReceiveTracker.class);

    private record Seen(long sequence, long atNanos) {
    }

    private final UUID self;
    private final String source;
    private final long idleNanos;
    private final int maxInstances;
    private final LongSupplier nanoClock;
    private final Map<UUID, Seen> lastSequence = new ConcurrentHashMap<>();
    private final AtomicLong lost = new AtomicLong();
    private final Map<RelayRejection, AtomicLong> rejected = new EnumMap<>(RelayRejection.class);
    private final WarnLimiter gapWarnings;
    private final WarnLimiter rejectWarnings;
    private long lastPruneNanos;
    private volatile boolean deliverOwn;

    ReceiveTracker(UUID self, String source, Duration instanceIdleTimeout, int maxInstances, LongSupplier nanoClock) {
        this.self = self;
        this.source = source;
        this.idleNanos = instanceIdleTimeout.toNanos();
        this.maxInstances = maxInstances;
        this.nanoClock = nanoClock;
        this.lastPruneNanos = nanoClock.getAsLong();
        for (RelayRejection reason : RelayRejection.values()) {
            rejected.put(reason, new AtomicLong());
        }
        gapWarnings = new WarnLimiter(1, TimeUnit.MINUTES, nanoClock);
        rejectWarnings = new WarnLimiter(1, TimeUnit.MINUTES, nanoClock);
    }

    /**
     * Called by the one receiving thread for each envelope in order.
     *
     * @return whether to deliver it: not this instance's own, not a repeat
     */
    boolean accept(RelayEnvelope envelope) {
        if (!deliverOwn && envelope.instance().equals(self)) {
            return false;
        }
        long now = nanoClock.getAsLong();
        if (now - lastPruneNanos >= idleNanos / 4) {
            prune(now);
        }
        Seen last = lastSequence.get(envelope.instance());
        if (last != null && envelope.sequence() <= last.sequence()) {
            log.debug("Hub relay: ignoring a repeated or late message {} of {}", envelope.sequence(), envelope.instance());
            return false;
        }
        if (last == null && lastSequence.size() >= maxInstances) {
            evictLeastRecent();
        }
        lastSequence.put(envelope.instance(), new Seen(envelope.sequence(), now));
        if (last != null && envelope.sequence() > last.sequence() + 1) {
            long missed = envelope.sequence() - last.sequence() - 1;
            lost.addAndGet(missed);
            long heldBack = gapWarnings.tryWarn();
            if (heldBack >= 0) {
                log.warn("Hub relay: missed {} broadcasts of instance {} (Redis or the subscription was down, or they were trimmed){}",
                        missed, envelope.instance(), heldBack > 0 ? "; " + heldBack + " more gaps since the last warning" : "");
            }
        }
        return true;
    }

    /** Lets this instance's own envelopes through (checked for repeats like the others'). */
    void deliverOwn() {
        deliverOwn = true;
    }

    /** Counts a refused envelope and logs it at WARN at most once a minute. */
    void rejected(RelayRejection reason, String detail) {
        rejected.get(reason).incrementAndGet();
        long heldBack = rejectWarnings.tryWarn();
        if (heldBack >= 0) {
            log.warn("Hub relay: rejected a message on {} ({}: {}){}; rejections are counted in websocket.hub.relay.rejected"
                    + " and logged at most once a minute", source, reason.tag(), detail,
                    heldBack > 0 ? "; " + heldBack + " more since the last warning" : "");
        } else {
            log.debug("Hub relay: rejected a message on {} ({}: {})", source, reason.tag(), detail);
        }
    }

    /** Counts broadcasts known to be missed without a gap to show it (trimmed away before being read). */
    void lost(long count) {
        lost.addAndGet(count);
    }

    private void prune(long now) {
        lastPruneNanos = now;
        lastSequence.values().removeIf(seen -> now - seen.atNanos() >= idleNanos);
    }

    private void evictLeastRecent() {
        UUID oldest = null;
        long oldestAt = Long.MAX_VALUE;
        for (Map.Entry<UUID, Seen> entry : lastSequence.entrySet()) {
            if (entry.getValue().atNanos() - oldestAt < 0 || oldest == null) {
                oldest = entry.getKey();
                oldestAt = entry.getValue().atNanos();
            }
        }
        if (oldest != null) {
            lastSequence.remove(oldest);
        }
    }

    long lost() {
        return lost.get();
    }

    long rejected(RelayRejection reason) {
        return rejected.get(reason).get();
    }

    /** @return how many publishing instances are tracked */
    int trackedInstances() {
        return lastSequence.size();
    }
}
