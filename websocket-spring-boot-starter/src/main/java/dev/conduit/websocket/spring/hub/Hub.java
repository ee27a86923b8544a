package dev.conduit.websocket.spring.hub;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.PreparedMessage;
import dev.conduit.websocket.WebSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broadcasts messages to the connections joined to a topic. Each broadcast is encoded once per
 * instance (one {@link PreparedMessage}) and queued on every receiver; each connection has a queue
 * bounded by count and by bytes and its own sender (a virtual thread on Java 21+, a small pool on 17), so a slow or stuck
 * receiver never holds up the broadcast or the others. A receiver whose queue is full is dropped or
 * misses the message, as {@link SlowReceiverPolicy} says; a receiver whose write fails or outlasts
 * the write timeout is closed and removed from every topic.
 *
 * <p>With a {@link HubRelay} (Redis pub/sub or a Redis stream) broadcasts reach the connections of
 * every instance: the hub writes its own broadcasts to its own connections directly and the relay
 * brings in those of the other instances, so each message reaches each connection exactly once. A
 * relay with positions ({@link HubRelay#deliversOwnMessages()}: the Streams relay with a recovery
 * window) delivers every message, this instance's own too, so that all instances deliver in one
 * order, and lets a reconnecting client recover what it missed ({@link #join(String, Conn, String)}).
 *
 * <p>Once a connection has joined, the hub writes to it: the handler keeps reading, and sends
 * anything of its own with {@link #send(Conn, int, byte[])} so that the connection keeps a single
 * writer. A handler leaves with {@link #leave(Conn)} when its connection ends.
 *
 * <pre>{@code
 * @WebSocketEndpoint("/chat")
 * public void chat(Conn conn) throws IOException {
 *     hub.join("chat", conn);
 *     try {
 *         while (true) {
 *             Message m = conn.readMessage();
 *             hub.broadcast("chat", m.messageType(), m.data());
 *         }
 *     } finally {
 *         hub.leave(conn);
 *     }
 * }
 * }</pre>
 */
public class Hub {
    private static final Logger log = LoggerFactory.getLogger(Hub.class);

    private final Map<String, Set<Subscriber>> topics = new ConcurrentHashMap<>();
    private final Map<Conn, Subscriber> subscribers = new ConcurrentHashMap<>();
    /**
     * Topics starting with this are the library's own (the principal messages of
     * {@code WebSocketConnections}): they cannot be joined or broadcast to, and what the relay
     * brings on them goes to their {@linkplain #receiveReserved receiver}.
     */
    public static final String RESERVED_TOPIC_PREFIX = "$conduit:";

    private final Map<String, HubRelay.Receiver> reserved = new ConcurrentHashMap<>();
    /** The default bound on the payload bytes queued for one connection. */
    public static final long DEFAULT_QUEUE_BYTES = 8L * 1024 * 1024;

    private final int queueCapacity;
    private final long queueBytes;
    private final SlowReceiverPolicy policy;
    private final Duration writeTimeout;
    private final ExecutorService senders;
    private final HubRelay relay;
    private final AtomicLong published = new AtomicLong();
    private final LongAdder delivered = new LongAdder();
    private final AtomicLong droppedMessages = new AtomicLong();
    private final AtomicLong droppedConnections = new AtomicLong();

    /**
     * @param queueCapacity messages queued per connection before {@code policy} applies
     * @param policy what a full queue does
     * @param writeTimeout how long one write to one connection may take before it is dropped
     * @param senders runs the per-connection senders; shut down by {@link #close()}
     * @param relay carries broadcasts to other instances, or {@code null} for this instance only
     */
    public Hub(int queueCapacity, SlowReceiverPolicy policy, Duration writeTimeout, ExecutorService senders, HubRelay relay) {
        this(queueCapacity, DEFAULT_QUEUE_BYTES, policy, writeTimeout, senders, relay);
    }

    /**
     * @param queueCapacity messages queued per connection before {@code policy} applies
     * @param queueBytes payload bytes queued per connection before {@code policy} applies (a single
     *        larger message still goes through an empty queue)
     * @param policy what a full queue does
     * @param writeTimeout how long one write to one connection may take before it is dropped
     * @param senders runs the per-connection senders; shut down by {@link #close()}
     * @param relay carries broadcasts to other instances, or {@code null} for this instance only
     */
    public Hub(int queueCapacity, long queueBytes, SlowReceiverPolicy policy, Duration writeTimeout, ExecutorService senders,
            HubRelay relay) {
        if (queueCapacity < 1 || queueBytes < 1) {
            throw new IllegalArgumentException("queueCapacity and queueBytes must be at least 1: " + queueCapacity + ", " + queueBytes);
        }
        this.queueCapacity = queueCapacity;
        this.queueBytes = queueBytes;
        this.policy = Objects.requireNonNull(policy, "policy");
        this.writeTimeout = Objects.requireNonNull(writeTimeout, "writeTimeout");
        this.senders = Objects.requireNonNull(senders, "senders");
        this.relay = relay;
        if (relay != null) {
            relay.start(new HubRelay.Receiver() {
                @Override
                public void deliver(String topic, int messageType, byte[] data) {
                    if (topic.startsWith(RESERVED_TOPIC_PREFIX)) {
                        deliverReserved(topic, messageType, data);
                        return;
                    }
                    deliverLocally(topic, new PreparedMessage(messageType, data), null);
                }

                @Override
                public void deliver(RelayedMessage message) {
                    if (message.topic().startsWith(RESERVED_TOPIC_PREFIX)) {
                        deliverReserved(message.topic(), message.messageType(), message.data());
                        return;
                    }
                    deliverLocally(message.topic(), new PreparedMessage(message.messageType(), message.data()), message);
                }
            });
        }
    }

    /**
     * @param topic the topic
     * @param conn a connection that receives the topic's broadcasts from now on
     */
    public void join(String topic, Conn conn) {
        join(topic, conn, false, false);
    }

    /**
     * Joins a connection that speaks the recovery protocol: every message of the hub reaches it as a
     * JSON text frame with its id ({@code {"id":"…","text":"…"}}, binary as {@code "binary":"<base64>"}).
     * With the id of the last message the client received before it lost its connection, it first
     * receives what it missed on that topic (on any instance, within the relay's recovery window),
     * in order, then {@code {"recovered":true|false,"missed":n}}, then the live messages, each once.
     * {@code recovered:false} says some may be missing (too old, unknown id, or a relay without
     * positions: only the Streams relay has them).
     *
     * @param topic the topic
     * @param conn the connection
     * @param lastSeenId the id of the last message the client received, or {@code null} or empty on a first connection
     */
    public void join(String topic, Conn conn, String lastSeenId) {
        boolean wantsRecovery = lastSeenId != null && !lastSeenId.isEmpty();
        boolean canRecover = wantsRecovery && relay != null && relay.deliversOwnMessages() && MessageIds.parse(lastSeenId) != null;
        Subscriber subscriber = join(topic, conn, true, canRecover);
        if (subscriber == null || !wantsRecovery) {
            return;
        }
        if (!canRecover) {
            offer(subscriber, IdFrames.recovered(false, 0));
            return;
        }
        Recovery recovery = subscriber.recoveries.get(topic);
        relay.recover(topic, lastSeenId, (missed, complete) -> recovery.complete(lastSeenId, missed, complete, new Recovery.Sink() {
            @Override
            public void send(RelayedMessage message) {
                offer(subscriber, IdFrames.message(message.id(), message.messageType(), message.data()));
            }

            @Override
            public void marker(boolean whole, int count) {
                offer(subscriber, IdFrames.recovered(whole, count));
            }

            @Override
            public void overflowed() {
                droppedMessages.incrementAndGet();
                drop(subscriber, "live messages overflowed its queue while it recovered", null);
            }
        }));
    }

    private Subscriber join(String topic, Conn conn, boolean withIds, boolean recover) {
        checkNotReserved(topic);
        Subscriber subscriber = subscribers.computeIfAbsent(conn, c -> new Subscriber(this, c, queueCapacity, queueBytes));
        if (withIds) {
            subscriber.withIds = true;
        }
        if (recover) {
            // Before the topic's live messages can reach it: they wait until the replay is queued.
            subscriber.recoveries.put(topic, new Recovery(queueCapacity, queueBytes));
        }
        subscriber.topics.add(topic);
        topics.compute(topic, (name, set) -> {
            Set<Subscriber> members = set != null ? set : ConcurrentHashMap.newKeySet();
            members.add(subscriber);
            return members;
        });
        if (subscriber.isDropped()) {
            // Dropped concurrently: undo so that a dead connection does not linger in the topic.
            leave(conn);
            return null;
        }
        return subscriber;
    }

    /**
     * @param topic the topic
     * @param conn a connection that receives no more of the topic's broadcasts
     */
    public void leave(String topic, Conn conn) {
        Subscriber subscriber = subscribers.get(conn);
        if (subscriber == null) {
            return;
        }
        subscriber.topics.remove(topic);
        removeFromTopic(topic, subscriber);
    }

    /**
     * Removes a connection from every topic; call it when the connection ends. Messages still
     * queued for it are discarded.
     *
     * @param conn the connection
     */
    public void leave(Conn conn) {
        Subscriber subscriber = subscribers.remove(conn);
        if (subscriber == null) {
            return;
        }
        subscriber.markDropped();
        for (String topic : subscriber.topics) {
            removeFromTopic(topic, subscriber);
        }
    }

    private void removeFromTopic(String topic, Subscriber subscriber) {
        topics.computeIfPresent(topic, (name, set) -> {
            set.remove(subscriber);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * Sends a text message to every connection of the topic, on every instance.
     *
     * @param topic the topic
     * @param text the message
     */
    public void broadcastText(String topic, String text) {
        broadcast(topic, WebSocket.TEXT_MESSAGE, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends a message to every connection of the topic, on every instance. Returns at once: the
     * message is queued on each receiver. Broadcasts from one thread arrive in the order made.
     *
     * @param topic the topic
     * @param messageType {@link WebSocket#TEXT_MESSAGE} or {@link WebSocket#BINARY_MESSAGE}
     * @param data the payload (copied)
     */
    public void broadcast(String topic, int messageType, byte[] data) {
        checkNotReserved(topic);
        if (messageType != WebSocket.TEXT_MESSAGE && messageType != WebSocket.BINARY_MESSAGE) {
            throw new IllegalArgumentException("Only text and binary messages can be broadcast: " + messageType);
        }
        PreparedMessage message = new PreparedMessage(messageType, data);
        published.incrementAndGet();
        if (relay == null || !relay.deliversOwnMessages()) {
            deliverLocally(topic, message, null);
        }
        if (relay != null) {
            // The prepared message copied the payload, so the caller may reuse its array.
            relay.publish(topic, messageType, message.data());
        }
    }

    private static void checkNotReserved(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (topic.startsWith(RESERVED_TOPIC_PREFIX)) {
            throw new IllegalArgumentException("Topics starting with " + RESERVED_TOPIC_PREFIX + " are reserved: " + topic);
        }
    }

    /**
     * Hands a message on a reserved topic to the other instances, and only to them: the caller
     * delivers to this instance's connections itself, and the receivers of the other instances
     * (see {@link #receiveReserved}) to theirs. The relay signs it (when it has a secret) and bounds
     * it as any broadcast. A relay that delivers its own messages too brings it back to this
     * instance's receiver, which recognises and skips it.
     *
     * @param topic a topic starting with {@link #RESERVED_TOPIC_PREFIX}
     * @param messageType text or binary
     * @param data the payload (kept by the relay: the caller must not modify it)
     * @return false without a relay (nothing to do)
     */
    public boolean relayReserved(String topic, int messageType, byte[] data) {
        if (!topic.startsWith(RESERVED_TOPIC_PREFIX)) {
            throw new IllegalArgumentException("Not a reserved topic: " + topic);
        }
        if (relay == null) {
            return false;
        }
        relay.publish(topic, messageType, data);
        return true;
    }

    /**
     * @param topic a topic starting with {@link #RESERVED_TOPIC_PREFIX}
     * @param receiver what the relay brings on it from the other instances goes here, on the relay's
     *        thread (it must not block)
     */
    public void receiveReserved(String topic, HubRelay.Receiver receiver) {
        if (!topic.startsWith(RESERVED_TOPIC_PREFIX)) {
            throw new IllegalArgumentException("Not a reserved topic: " + topic);
        }
        reserved.put(topic, Objects.requireNonNull(receiver, "receiver"));
    }

    /** @return whether broadcasts reach other instances */
    public boolean relayed() {
        return relay != null;
    }

    private void deliverReserved(String topic, int messageType, byte[] data) {
        HubRelay.Receiver receiver = reserved.get(topic);
        if (receiver == null) {
            return;
        }
        try {
            receiver.deliver(topic, messageType, data);
        } catch (RuntimeException e) {
            log.warn("The receiver of reserved topic {} failed", topic, e);
        }
    }

    /**
     * Queues a message for one joined connection behind its broadcasts, so that a handler's own
     * replies do not race the hub's writes.
     *
     * @param conn a connection that joined a topic
     * @param messageType text or binary
     * @param data the payload (copied)
     * @return false when the connection is not joined, or the message was dropped by the policy
     */
    public boolean send(Conn conn, int messageType, byte[] data) {
        Subscriber subscriber = subscribers.get(conn);
        if (subscriber == null) {
            return false;
        }
        return offer(subscriber, new PreparedMessage(messageType, data));
    }

    /**
     * @param conn a connection, as the handler passed it to {@link #join}
     * @return whether it is joined (the hub writes to it: others send through {@link #send})
     */
    public boolean joined(Conn conn) {
        return subscribers.containsKey(conn);
    }

    /** @param topic the topic; @return how many of this instance's connections receive it */
    public int size(String topic) {
        Set<Subscriber> members = topics.get(topic);
        return members == null ? 0 : members.size();
    }

    /** @return the counts since start */
    public HubStats stats() {
        return new HubStats(published.get(), delivered.sum(), droppedMessages.get(), droppedConnections.get(),
                relay == null ? 0 : relay.lostOnPublish(), relay == null ? 0 : relay.lostOnReceive());
    }

    /**
     * @param reason why
     * @return messages from other instances the relay refused for that reason (0 without a relay)
     */
    public long relayRejected(RelayRejection reason) {
        return relay == null ? 0 : relay.rejected(reason);
    }

    /** @return bytes of broadcasts waiting for the relay (0 without a relay) */
    public long relayOutboxBytes() {
        return relay == null ? 0 : relay.outboxBytes();
    }

    /** Stops the relay and the senders; connections stay open. */
    public void close() {
        if (relay != null) {
            relay.stop();
        }
        senders.shutdownNow();
        try {
            senders.awaitTermination(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @param positioned the message with its id when the relay gives one, else {@code null}
     */
    private void deliverLocally(String topic, PreparedMessage message, RelayedMessage positioned) {
        Set<Subscriber> members = topics.get(topic);
        if (members == null) {
            return;
        }
        PreparedMessage withId = null;
        for (Subscriber subscriber : members) {
            if (!subscriber.withIds) {
                offer(subscriber, message);
                continue;
            }
            if (positioned != null) {
                Recovery recovery = subscriber.recoveries.get(topic);
                if (recovery != null && recovery.hold(positioned)) {
                    continue;
                }
            }
            if (withId == null) {
                // Encoded once per message for all the connections that speak the recovery protocol.
                withId = IdFrames.message(positioned == null ? null : positioned.id(), message.messageType(), message.data());
            }
            offer(subscriber, withId);
        }
    }

    private boolean offer(Subscriber subscriber, PreparedMessage message) {
        if (subscriber.offer(message)) {
            return true;
        }
        droppedMessages.incrementAndGet();
        if (policy == SlowReceiverPolicy.DROP_CONNECTION) {
            drop(subscriber, "its send queue is full (" + queueCapacity + " messages or " + queueBytes + " bytes)", null);
        }
        return false;
    }

    void dropAfterWriteFailure(Subscriber subscriber, Exception cause) {
        drop(subscriber, "a write failed", cause);
    }

    private void drop(Subscriber subscriber, String why, Exception cause) {
        if (subscribers.remove(subscriber.conn, subscriber)) {
            droppedMessages.addAndGet(subscriber.markDropped());
            droppedConnections.incrementAndGet();
            for (String topic : subscriber.topics) {
                removeFromTopic(topic, subscriber);
            }
            log.debug("Hub drops connection {}: {}{}", subscriber.conn.remoteAddr(), why,
                    cause == null ? "" : " (" + cause + ")");
            // Closing wakes the handler's blocked read; off the broadcasting thread, as it may block briefly.
            Runnable close = () -> {
                try {
                    subscriber.conn.close();
                } catch (IOException e) {
                    log.debug("Closing a dropped connection failed: {}", e.toString());
                }
            };
            try {
                senders.execute(close);
            } catch (RejectedExecutionException e) {
                close.run();
            }
        } else {
            subscriber.markDropped();
        }
    }

    void countDelivered(int messages) {
        delivered.add(messages);
    }

    ExecutorService senders() {
        return senders;
    }

    Duration writeTimeout() {
        return writeTimeout;
    }
}
