package dev.conduit.websocket.spring.connections;

import dev.conduit.websocket.JsonCodec;
import dev.conduit.websocket.PreparedMessage;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.spring.endpoint.ConnectionRegistry;
import dev.conduit.websocket.spring.endpoint.OpenConnection;
import dev.conduit.websocket.spring.hub.Hub;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open connections of this instance, to look up and act on: list them (all, a page, by id, by
 * principal, by endpoint), send a message to every connection of a principal — on every instance
 * when the hub relays through Redis — and close one by id. The bean is auto-configured; the
 * {@code websocketconnections} Actuator endpoint is built on it.
 *
 * <pre>{@code
 * @Service
 * class Notifications {
 *     private final WebSocketConnections connections;
 *     ...
 *     void orderShipped(String user, Order order) {
 *         connections.sendJsonToPrincipal(user, new Shipped(order.id()));
 *     }
 * }
 * }</pre>
 *
 * <p><b>Sending.</b> A send returns at once: the message is encoded once and queued on each of the
 * principal's connections. A connection joined to the {@link Hub} gets it through
 * {@link Hub#send} (behind its broadcasts, under the hub's write timeout and slow-receiver policy),
 * since the hub is then its writer. Any other connection has a queue of its own
 * ({@code send-queue-capacity} messages and {@code send-queue-bytes}) and one sender at a time, so
 * its messages keep their order and a slow one holds up nobody else. The sender writes with the
 * connection's own write deadline (a handler that sets one sets it for these messages too), which it
 * never changes, and as every {@code Conn} write is whole, these messages interleave safely with the
 * handler's own writes. A connection whose queue is full, or whose write is still under way after
 * {@code send-timeout}, is closed: a peer that does not read costs only its own connection, as with
 * the hub.
 *
 * <p><b>Across instances.</b> When the {@link Hub} relays to other instances, a principal message is
 * also published on the hub's reserved topic {@value #PRINCIPAL_TOPIC}, signed like every envelope
 * when {@code conduit.websocket.hub.redis.secret} is set and bounded by the relay's outbox and
 * envelope size; each other instance delivers it to its own connections of that principal. The
 * returned count is this instance's only. In streams mode the message stays in the stream for its
 * retention, like any broadcast.
 *
 * <p><b>Closing.</b> {@link #close(String, int, String)} sends the close frame (bounded by
 * {@code conduit.websocket.close-timeout}); the handler's read then ends with the peer's answer.
 * A connection that is still open a close timeout later is closed at once.
 */
public class WebSocketConnections {
    /** The hub topic that carries principal messages between instances. */
    public static final String PRINCIPAL_TOPIC = Hub.RESERVED_TOPIC_PREFIX + "principal";
    /** The largest page {@link #page(int, int)} returns. */
    public static final int MAX_PAGE_SIZE = 500;

    private static final Logger log = LoggerFactory.getLogger(WebSocketConnections.class);
    private static final Comparator<OpenConnection> OLDEST_FIRST =
            Comparator.comparing(OpenConnection::openedAt).thenComparing(OpenConnection::id);

    private final ConnectionRegistry registry;
    private final JsonCodec json;
    private final Hub hub;
    private final int queueCapacity;
    private final long queueBytes;
    private final Duration sendTimeout;
    private final Duration closeTimeout;
    private final ExecutorService senders;
    private final ScheduledThreadPoolExecutor watchdog;
    private final byte[] instanceId = new byte[16];
    private final Map<OpenConnection, ConnectionOutbox> outboxes = new ConcurrentHashMap<>();
    private final LongAdder sent = new LongAdder();
    private final AtomicLong droppedConnections = new AtomicLong();
    private final AtomicLong rejectedRelayed = new AtomicLong();
    private final AtomicBoolean warnedDrop = new AtomicBoolean();

    /**
     * @param registry the connections
     * @param json encodes {@link #sendJsonToPrincipal}'s values
     * @param hub relays principal messages to other instances, or {@code null}
     * @param queueCapacity messages queued per connection
     * @param queueBytes payload bytes queued per connection (a single larger message goes through an empty queue)
     * @param sendTimeout the longest write of one message to one connection before it is closed
     * @param closeTimeout the bound of a close frame, and how long a closed connection may take to end
     * @param senders runs the senders; shut down by {@link #shutdown()}
     */
    public WebSocketConnections(ConnectionRegistry registry, JsonCodec json, Hub hub, int queueCapacity, long queueBytes,
            Duration sendTimeout, Duration closeTimeout, ExecutorService senders) {
        if (queueCapacity < 1 || queueBytes < 1) {
            throw new IllegalArgumentException("queueCapacity and queueBytes must be at least 1: " + queueCapacity + ", " + queueBytes);
        }
        this.registry = Objects.requireNonNull(registry, "registry");
        this.json = Objects.requireNonNull(json, "json");
        this.hub = hub;
        this.queueCapacity = queueCapacity;
        this.queueBytes = queueBytes;
        this.sendTimeout = Objects.requireNonNull(sendTimeout, "sendTimeout");
        this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
        this.senders = Objects.requireNonNull(senders, "senders");
        this.watchdog = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "conduit-websocket-connections-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.setRemoveOnCancelPolicy(true);
        new SecureRandom().nextBytes(instanceId);
        registry.onClosed(c -> {
            ConnectionOutbox outbox = outboxes.remove(c);
            if (outbox != null) {
                outbox.close();
            }
        });
        if (hub != null) {
            hub.receiveReserved(PRINCIPAL_TOPIC, this::receiveRelayed);
        }
    }

    // ---- queries ------------------------------------------------------------------------

    /** @return every open connection, oldest first */
    public List<ConnectionInfo> list() {
        return registry.connections().stream().sorted(OLDEST_FIRST).map(ConnectionInfo::of).toList();
    }

    /** @return how many connections are open (their handler runs) */
    public int count() {
        return registry.connections().size();
    }

    /**
     * @param page the page number, from 0
     * @param size the page size, 1 to {@value #MAX_PAGE_SIZE} (larger is cut to it)
     * @return that page of the open connections, oldest first
     * @throws IllegalArgumentException if the page is negative or the size below 1
     */
    public ConnectionPage page(int page, int size) {
        if (page < 0 || size < 1) {
            throw new IllegalArgumentException("page must be at least 0 and size at least 1, got page=" + page + ", size=" + size);
        }
        int bounded = Math.min(size, MAX_PAGE_SIZE);
        List<OpenConnection> all = registry.connections().stream().sorted(OLDEST_FIRST).toList();
        long from = (long) page * bounded;
        List<ConnectionInfo> content = from >= all.size() ? List.of()
                : all.subList((int) from, (int) Math.min(all.size(), from + bounded)).stream().map(ConnectionInfo::of).toList();
        int pages = (all.size() + bounded - 1) / bounded;
        return new ConnectionPage(page, bounded, all.size(), pages, content);
    }

    /**
     * @param id a connection's id
     * @return the connection, if it is open on this instance
     */
    public Optional<ConnectionInfo> find(String id) {
        return Optional.ofNullable(registry.connection(id)).map(ConnectionInfo::of);
    }

    /**
     * @param principal a principal name
     * @return the principal's connections on this instance, oldest first
     */
    public List<ConnectionInfo> findByPrincipal(String principal) {
        return registry.connectionsOf(principal).stream().sorted(OLDEST_FIRST).map(ConnectionInfo::of).toList();
    }

    /**
     * @param endpoint an endpoint's path template, as declared (for example {@code /chat/{room}})
     * @return its connections on this instance, oldest first
     */
    public List<ConnectionInfo> findByEndpoint(String endpoint) {
        return registry.connections().stream().filter(c -> Objects.equals(c.endpoint(), endpoint)).sorted(OLDEST_FIRST)
                .map(ConnectionInfo::of).toList();
    }

    // ---- sending ------------------------------------------------------------------------

    /**
     * Sends a text message to every connection of a principal, on every instance.
     *
     * @param principal the principal name
     * @param text the message
     * @return how many of this instance's connections it was queued for
     */
    public int sendToPrincipal(String principal, String text) {
        return sendToPrincipal(principal, WebSocket.TEXT_MESSAGE, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends a value as a JSON text message (the application's {@link JsonCodec}, as {@code Conn.writeJson})
     * to every connection of a principal, on every instance.
     *
     * @param principal the principal name
     * @param value the value
     * @return how many of this instance's connections it was queued for
     * @throws UncheckedIOException if the value cannot be encoded
     */
    public int sendJsonToPrincipal(String principal, Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            json.write(out, value);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode " + value.getClass().getName() + " as JSON", e);
        }
        return sendToPrincipal(principal, WebSocket.TEXT_MESSAGE, out.toByteArray());
    }

    /**
     * Sends a message to every connection of a principal: queued on this instance's connections
     * (returns at once), and handed to the other instances when the hub relays.
     *
     * @param principal the principal name (as {@code Principal.getName()} of the upgrade)
     * @param messageType {@link WebSocket#TEXT_MESSAGE} or {@link WebSocket#BINARY_MESSAGE}
     * @param data the payload (copied)
     * @return how many of this instance's connections it was queued for
     * @throws IllegalArgumentException for a control message type, or (with a relay) a principal name
     *         over 1,024 UTF-8 bytes
     */
    public int sendToPrincipal(String principal, int messageType, byte[] data) {
        Objects.requireNonNull(principal, "principal");
        if (messageType != WebSocket.TEXT_MESSAGE && messageType != WebSocket.BINARY_MESSAGE) {
            throw new IllegalArgumentException("Only text and binary messages can be sent: " + messageType);
        }
        PreparedMessage message = new PreparedMessage(messageType, data);
        if (hub != null && hub.relayed()) {
            hub.relayReserved(PRINCIPAL_TOPIC, messageType, PrincipalMessages.encode(instanceId, principal, message.data()));
        }
        return deliverLocally(principal, message);
    }

    private int deliverLocally(String principal, PreparedMessage message) {
        int queued = 0;
        for (OpenConnection c : registry.connectionsOf(principal)) {
            if (hub != null && hub.joined(c.handlerConn())) {
                // The hub writes to it, with its own deadline and policy: queue behind its broadcasts.
                if (hub.send(c.handlerConn(), message.messageType(), message.data())) {
                    queued++;
                    sent.increment();
                }
                continue;
            }
            ConnectionOutbox outbox = outboxes.computeIfAbsent(c, k -> new ConnectionOutbox(this, k, queueCapacity, queueBytes));
            if (registry.connection(c.id()) == null) {
                // It ended meanwhile, perhaps before its outbox existed: do not keep one for it.
                outboxes.remove(c, outbox);
                outbox.close();
                continue;
            }
            if (outbox.offer(message)) {
                queued++;
                sent.increment();
            } else {
                ended(outbox, "its send queue is full (" + queueCapacity + " messages or " + queueBytes + " bytes)");
            }
        }
        return queued;
    }

    private void receiveRelayed(String topic, int messageType, byte[] payload) {
        PrincipalMessages.Decoded m = PrincipalMessages.decode(payload);
        if (m == null) {
            rejectedRelayed.incrementAndGet();
            log.debug("A malformed principal message from the hub relay was dropped ({} bytes)", payload.length);
            return;
        }
        if (Arrays.equals(m.origin(), instanceId)) {
            return; // this instance's own, already delivered here
        }
        int n = deliverLocally(m.principal(), new PreparedMessage(messageType, m.data()));
        log.debug("A principal message from another instance was queued for {} connections", n);
    }

    // ---- closing ------------------------------------------------------------------------

    /**
     * Closes a connection of this instance: sends the close frame (within the close timeout) and,
     * if the connection has not ended a close timeout later, closes it at once.
     *
     * @param id the connection's id
     * @param code the close code (1000–1014 except 1004–1006, or 3000–4999)
     * @param reason the reason, at most 123 UTF-8 bytes
     * @return false if no connection of this instance has that id
     * @throws IllegalArgumentException if the code may not be sent or the reason is too long
     */
    public boolean close(String id, int code, String reason) {
        byte[] payload = WebSocket.formatCloseMessage(code, reason);
        OpenConnection c = registry.connection(id);
        if (c == null) {
            return false;
        }
        try {
            c.conn().writeControl(WebSocket.CLOSE_MESSAGE, payload, Instant.now().plus(closeTimeout));
            log.debug("Sent close {} to WebSocket connection {}", code, id);
        } catch (IOException | RuntimeException e) {
            log.debug("Could not send close {} to WebSocket connection {} ({}); closing it", code, id, e.toString());
            abort(c);
            return true;
        }
        try {
            watchdog.schedule(() -> {
                if (registry.connection(id) != null) {
                    log.debug("WebSocket connection {} did not end within {} of its close; closing it", id, closeTimeout);
                    abort(c);
                }
            }, closeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Stopping: the registry closes every connection anyway.
        }
        return true;
    }

    // ---- counts and lifecycle -----------------------------------------------------------

    /** @return principal messages queued on this instance's connections since start, one per connection */
    public long sentMessages() {
        return sent.sum();
    }

    /** @return connections closed because they did not take their messages (queue full, write timeout, write failure) */
    public long droppedConnections() {
        return droppedConnections.get();
    }

    /** @return principal messages from the relay refused as malformed */
    public long rejectedRelayedMessages() {
        return rejectedRelayed.get();
    }

    /** Stops the senders and the watchdog (the bean's destroy method); connections stay open. */
    public void shutdown() {
        watchdog.shutdownNow();
        senders.shutdownNow();
        try {
            senders.awaitTermination(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    ExecutorService senders() {
        return senders;
    }

    /** @return a task that closes the outbox's connection after the send timeout, or {@code null} once stopped */
    ScheduledFuture<?> watch(ConnectionOutbox outbox) {
        try {
            return watchdog.schedule(() -> ended(outbox, "a write took longer than " + sendTimeout), sendTimeout.toNanos(),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** The outbox's connection can take no more messages: closed (unless {@code why} is null), the outbox dropped. */
    void ended(ConnectionOutbox outbox, String why) {
        if (!outboxes.remove(outbox.target, outbox)) {
            return;
        }
        outbox.close();
        if (why == null) {
            return;
        }
        droppedConnections.incrementAndGet();
        if (warnedDrop.compareAndSet(false, true)) {
            log.warn("Closing WebSocket connection {} on {}: {} (logged once; later ones at DEBUG, counted in droppedConnections())",
                    outbox.target.id(), outbox.target.endpoint(), why);
        } else {
            log.debug("Closing WebSocket connection {} on {}: {}", outbox.target.id(), outbox.target.endpoint(), why);
        }
        // Off the caller's thread: closing may block briefly, and the caller may be a sender or the relay.
        try {
            senders.execute(() -> abort(outbox.target));
        } catch (RejectedExecutionException e) {
            abort(outbox.target);
        }
    }

    private static void abort(OpenConnection c) {
        try {
            c.conn().close();
        } catch (IOException | RuntimeException e) {
            log.debug("Closing WebSocket connection {} failed: {}", c.id(), e.toString());
        }
    }
}
