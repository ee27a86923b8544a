package dev.conduit.websocket.spring.hub.redis;

import dev.conduit.websocket.spring.hub.HubRelay;
import dev.conduit.websocket.spring.hub.RelayRejection;
import dev.conduit.websocket.spring.hub.RelayedMessage;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both Redis relays share: the instance's identity and sequence numbers, the bounded outbox
 * the broadcaster fills without waiting, the envelope codecs, and the receiving side's checks
 * ({@link ReceiveTracker}).
 */
public abstract class AbstractRedisHubRelay implements HubRelay {
    private static final Logger log = LoggerFactory.getLogger(AbstractRedisHubRelay.class);
    static final boolean LETTUCE = isPresent("io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands");

    final RedisRelayOptions options;
    final UUID instance = UUID.randomUUID();
    final Outbox outbox;
    final ReceiveTracker tracker;
    final AtomicLong lostOnPublish = new AtomicLong();
    // Encoding runs under this relay's lock, decoding on the one receiving thread: one codec each.
    private final EnvelopeCodec encoder;
    private final EnvelopeCodec decoder;
    private long nextSequence = 1;

    AbstractRedisHubRelay(RedisRelayOptions options, String source, LongSupplier nanoClock) {
        this.options = options;
        this.outbox = new Outbox(options.publishQueueCapacity(), options.publishQueueBytes());
        this.encoder = new EnvelopeCodec(options.maxEnvelopeBytes(), options.secretBytes());
        this.decoder = new EnvelopeCodec(options.maxEnvelopeBytes(), options.secretBytes());
        this.tracker = new ReceiveTracker(instance, source, options.instanceIdleTimeout(), options.maxInstances(), nanoClock);
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, AbstractRedisHubRelay.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** @return this instance's identity in the envelopes */
    public UUID instance() {
        return instance;
    }

    @Override
    public void publish(String topic, int messageType, byte[] data) {
        // The sequence number and the outbox position are taken together, so sequence order is outbox order.
        synchronized (this) {
            byte[] envelope;
            try {
                envelope = encoder.encode(new RelayEnvelope(instance, nextSequence++, messageType, topic, data));
            } catch (IllegalArgumentException e) {
                lostOnPublish.incrementAndGet();
                log.debug("Hub relay: not relaying a broadcast on {}: {}", topic, e.getMessage());
                return;
            }
            lostOnPublish.addAndGet(outbox.add(envelope));
        }
    }

    /** Decodes, checks and delivers one message from Redis; called by the one receiving thread, in order. */
    void receive(byte[] body, Receiver receiver) {
        receive(body, receiver, null);
    }

    /** @param id the message's position, or {@code null} for a relay without positions */
    void receive(byte[] body, Receiver receiver, String id) {
        RelayEnvelope envelope;
        try {
            envelope = decoder.decode(body);
        } catch (EnvelopeCodec.RejectedException e) {
            tracker.rejected(e.reason(), e.getMessage());
            return;
        }
        if (tracker.accept(envelope)) {
            try {
                if (id == null) {
                    receiver.deliver(envelope.topic(), envelope.messageType(), envelope.data());
                } else {
                    receiver.deliver(new RelayedMessage(id, envelope.topic(), envelope.messageType(), envelope.data()));
                }
            } catch (RuntimeException e) {
                // One message's failure must not stop the relay's thread or the messages after it.
                log.warn("Hub relay: delivering a message on {} failed", envelope.topic(), e);
            }
        }
    }

    @Override
    public long lostOnPublish() {
        return lostOnPublish.get();
    }

    @Override
    public long lostOnReceive() {
        return tracker.lost();
    }

    @Override
    public long rejected(RelayRejection reason) {
        return tracker.rejected(reason);
    }

    @Override
    public long outboxBytes() {
        return outbox.bytes();
    }

    /** @return publishing instances whose last sequence number is kept */
    int trackedInstances() {
        return tracker.trackedInstances();
    }
}
