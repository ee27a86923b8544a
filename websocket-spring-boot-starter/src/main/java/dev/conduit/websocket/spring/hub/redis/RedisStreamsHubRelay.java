package dev.conduit.websocket.spring.hub.redis;

import dev.conduit.websocket.spring.hub.RelayRejection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStreamCommands;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.connection.stream.StreamRecords;

/**
 * Relays hub broadcasts through one Redis stream, so that an outage of Redis or of the network
 * shorter than the stream's retention loses nothing. Every instance appends its broadcasts
 * ({@code XADD … MAXLEN ~ stream-max-length}, in batches) from one publisher thread, in sequence order, and keeps
 * the batch it could not append until Redis takes it (new broadcasts wait meanwhile in the bounded
 * outbox). Every instance reads the stream with blocking {@code XREAD} from the id of the last entry
 * it read, on one reader thread, and after a failure resumes from that id: what other instances
 * appended meanwhile is delivered late but delivered, in each publisher's order.
 *
 * <p>Each entry is one batch of one instance's envelopes ({@link StreamBatch}), appended with one
 * command, and the next batch waits until Redis confirmed it: a batch retried after a failure or a
 * lost reply may be appended twice (the client library may also resend it), but never behind a
 * later one. The reader drops the repeats by the publisher's sequence number (and this instance's
 * own entries), so each broadcast is delivered exactly once, in each publisher's order. What was trimmed
 * from the stream before this instance read it shows as a gap in a publisher's sequence numbers,
 * counted as lost on receive and logged.
 */
public class RedisStreamsHubRelay extends AbstractRedisHubRelay {
    private static final Logger log = LoggerFactory.getLogger(RedisStreamsHubRelay.class);
    /** The one field of each stream entry: a {@link StreamBatch} of envelopes. */
    static final byte[] FIELD = "b".getBytes(StandardCharsets.US_ASCII);
    private static final int BATCH = StreamBatch.MAX_COUNT;
    // An entry holds at most this much (or one larger envelope): bounds what the retention costs Redis.
    static final long BATCH_BYTES = 64 * 1024;
    /** Entries per read: with up to 256 envelopes each, this bounds what one read holds. */
    private static final int READ_COUNT = 16;
    private static final Duration BLOCK = Duration.ofSeconds(1);
    private static final long MAX_BACKOFF_MILLIS = 1000;

    private final RedisConnectionFactory connectionFactory;
    private final byte[] key;
    private final String keyName;
    private final OutageLog publishOutage = new OutageLog(log);
    private final OutageLog readOutage = new OutageLog(log);
    private volatile boolean running;
    private volatile String position;
    private long lostAtPublishOutage;
    private Thread publisher;
    private Thread reader;
    private final StreamRecovery recovery;

    /**
     * @param connectionFactory the application's Redis connection factory (Lettuce reconnects by itself)
     * @param options the settings; {@code channel} is the stream's key
     */
    public RedisStreamsHubRelay(RedisConnectionFactory connectionFactory, RedisRelayOptions options) {
        this(connectionFactory, options, System::nanoTime);
    }

    RedisStreamsHubRelay(RedisConnectionFactory connectionFactory, RedisRelayOptions options, LongSupplier nanoClock) {
        super(options, "stream " + options.channel(), nanoClock);
        this.connectionFactory = connectionFactory;
        this.keyName = options.channel();
        this.key = keyName.getBytes(StandardCharsets.UTF_8);
        this.recovery = new StreamRecovery(connectionFactory, key, options, tracker);
        if (deliversOwnMessages()) {
            tracker.deliverOwn();
        }
    }

    /** With a recovery window, every message has a position and this instance's own come through the stream too. */
    @Override
    public boolean deliversOwnMessages() {
        return !options.recoveryWindow().isZero();
    }

    @Override
    public void recover(String topic, String afterId, RecoveryCallback callback) {
        if (!deliversOwnMessages()) {
            callback.recovered(List.of(), false);
            return;
        }
        recovery.submit(topic, afterId, callback);
    }

    /** @return how many times the stream was read for recovering clients (one read serves every client waiting on a topic) */
    public long recoveryScans() {
        return recovery.scans();
    }

    @Override
    public synchronized void start(Receiver receiver) {
        if (running) {
            return;
        }
        running = true;
        reader = new Thread(() -> readLoop(receiver), "conduit-hub-redis-stream-reader");
        reader.setDaemon(true);
        reader.start();
        if (deliversOwnMessages()) {
            recovery.start();
        }
        publisher = new Thread(this::publishLoop, "conduit-hub-redis-stream-writer");
        publisher.setDaemon(true);
        publisher.start();
    }

    private void publishLoop() {
        List<byte[]> batch = new ArrayList<>(BATCH);
        long backoff = 0;
        while (running) {
            try {
                if (batch.isEmpty() && !outbox.drainTo(batch, BATCH, BATCH_BYTES, 1, TimeUnit.SECONDS)) {
                    continue;
                }
                try {
                    append(batch);
                    batch.clear();
                    backoff = 0;
                    Duration outage = publishOutage.recovered();
                    if (outage != null) {
                        log.warn("Hub relay: appending to Redis stream {} works again after {} ms; {} broadcasts of this"
                                + " instance were dropped from the full outbox meanwhile", keyName, outage.toMillis(),
                                lostOnPublish.get() - lostAtPublishOutage);
                    }
                } catch (RuntimeException e) {
                    if (!running) {
                        return;
                    }
                    long lostBefore = lostOnPublish.get();
                    if (publishOutage.failed(e, "appending to Redis stream " + keyName + " failed; broadcasts wait in the outbox"
                            + " (at most " + options.publishQueueCapacity() + " messages, " + options.publishQueueBytes()
                            + " bytes, the oldest dropped beyond) until Redis takes them")) {
                        lostAtPublishOutage = lostBefore;
                    }
                    backoff = Math.min(MAX_BACKOFF_MILLIS, Math.max(50, backoff * 2));
                    Thread.sleep(backoff);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void append(List<byte[]> batch) {
        byte[] entry = StreamBatch.encode(batch);
        try (RedisConnection connection = connectionFactory.getConnection()) {
            Object nativeConnection = LETTUCE ? connection.getNativeConnection() : null;
            if (nativeConnection != null && LettuceBatchPublisher.accepts(nativeConnection)) {
                LettuceBatchPublisher.append(nativeConnection, key, FIELD, entry, options.streamMaxLength(), options.publishTimeout());
                return;
            }
            // Other clients (Jedis): the client's own command timeout applies.
            connection.streamCommands().xAdd(StreamRecords.newRecord().in(key).ofMap(Map.of(FIELD, entry)),
                    RedisStreamCommands.XAddOptions.maxlen(options.streamMaxLength()).approximateTrimming(true));
        }
    }

    private void readLoop(Receiver receiver) {
        long backoff = 0;
        while (running) {
            try (RedisConnection connection = connectionFactory.getConnection()) {
                if (position == null) {
                    position = lastEntryId(connection);
                }
                while (running) {
                    List<ByteRecord> records = connection.streamCommands().xRead(
                            StreamReadOptions.empty().count(READ_COUNT).block(BLOCK),
                            StreamOffset.create(key, ReadOffset.from(position)));
                    backoff = 0;
                    Duration outage = readOutage.recovered();
                    if (outage != null) {
                        log.warn("Hub relay: reading Redis stream {} works again after {} ms; resuming after entry {}",
                                keyName, outage.toMillis(), position);
                    }
                    if (records == null) {
                        continue;
                    }
                    for (ByteRecord record : records) {
                        position = record.getId().getValue();
                        handle(record, receiver);
                    }
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                readOutage.failed(e, "reading Redis stream " + keyName + " failed; other instances' broadcasts arrive"
                        + " late, from entry " + position + " on, once Redis is back");
                backoff = Math.min(MAX_BACKOFF_MILLIS, Math.max(50, backoff * 2));
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** The id of the stream's newest entry (reading starts after it), or 0-0 for an empty or absent stream. */
    private String lastEntryId(RedisConnection connection) {
        List<ByteRecord> last = connection.streamCommands().xRevRange(key, Range.unbounded(), Limit.limit().count(1));
        return last == null || last.isEmpty() ? "0-0" : last.get(0).getId().getValue();
    }

    private void handle(ByteRecord record, Receiver receiver) {
        Map<byte[], byte[]> fields = record.getValue();
        if (fields.size() != 1) {
            tracker.rejected(RelayRejection.MALFORMED, "entry " + record.getId() + " has "
                    + fields.size() + " fields");
            return;
        }
        Map.Entry<byte[], byte[]> field = fields.entrySet().iterator().next();
        if (!Arrays.equals(field.getKey(), FIELD)) {
            tracker.rejected(RelayRejection.MALFORMED, "entry " + record.getId()
                    + " has an unknown field");
            return;
        }
        List<byte[]> envelopes;
        try {
            envelopes = StreamBatch.decode(field.getValue(), options.maxEnvelopeBytes());
        } catch (EnvelopeCodec.RejectedException e) {
            tracker.rejected(e.reason(), "entry " + record.getId() + ": " + e.getMessage());
            return;
        }
        String entryId = record.getId().getValue();
        boolean positioned = deliversOwnMessages();
        for (int i = 0; i < envelopes.size(); i++) {
            receive(envelopes.get(i), receiver, positioned ? entryId + "." + i : null);
        }
    }

    /** @return the id of the last entry this instance read (null before the reader started) */
    String position() {
        return position;
    }

    @Override
    public void stop() {
        Thread[] threads;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            threads = new Thread[] {publisher, reader};
        }
        recovery.stop();
        for (Thread thread : threads) {
            thread.interrupt();
        }
        for (Thread thread : threads) {
            try {
                thread.join(BLOCK.toMillis() + 2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
