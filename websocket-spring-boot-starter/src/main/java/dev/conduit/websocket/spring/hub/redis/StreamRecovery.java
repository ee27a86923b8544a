package dev.conduit.websocket.spring.hub.redis;

import dev.conduit.websocket.spring.hub.HubRelay.RecoveryCallback;
import dev.conduit.websocket.spring.hub.MessageIds;
import dev.conduit.websocket.spring.hub.RelayedMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;

/**
 * Reads what reconnecting clients missed, for the Streams relay. Requests wait in a bounded queue
 * for one thread; each round takes every waiting request, and reads the stream once per topic, from
 * the oldest position asked for: a thousand clients recovering the same topic cost one scan, not a
 * thousand. A scan keeps only the topic's messages, at most {@code recovery-max-messages} of them;
 * each client gets a view of the part after its own position (shared, not copied).
 */
final class StreamRecovery {
    private static final Logger log = LoggerFactory.getLogger(StreamRecovery.class);
    private static final int PAGE = 16;
    private static final int MAX_WAITING = 100_000;

    record Request(String topic, long[] after, RecoveryCallback callback) {
    }

    private final RedisConnectionFactory connectionFactory;
    private final byte[] key;
    private final RedisRelayOptions options;
    private final EnvelopeCodec decoder;
    private final ReceiveTracker tracker;
    private final BlockingQueue<Request> requests = new ArrayBlockingQueue<>(MAX_WAITING);
    private final AtomicLong scans = new AtomicLong();
    private volatile Thread thread;

    StreamRecovery(RedisConnectionFactory connectionFactory, byte[] key, RedisRelayOptions options, ReceiveTracker tracker) {
        this.connectionFactory = connectionFactory;
        this.key = key;
        this.options = options;
        this.tracker = tracker;
        this.decoder = new EnvelopeCodec(options.maxEnvelopeBytes(), options.secretBytes());
    }

    void start() {
        Thread t = new Thread(this::loop, "conduit-hub-redis-recovery");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    void stop() {
        Thread t = thread;
        thread = null;
        if (t != null) {
            t.interrupt();
        }
        Request request;
        while ((request = requests.poll()) != null) {
            request.callback().recovered(List.of(), false);
        }
    }

    void submit(String topic, String afterId, RecoveryCallback callback) {
        long[] after = MessageIds.parse(afterId);
        long windowStart = System.currentTimeMillis() - options.recoveryWindow().toMillis();
        if (after == null || after[0] < windowStart || thread == null || !requests.offer(new Request(topic, after, callback))) {
            callback.recovered(List.of(), false);
        }
    }

    long scans() {
        return scans.get();
    }

    private void loop() {
        while (thread == Thread.currentThread()) {
            List<Request> round = new ArrayList<>();
            try {
                Request first = requests.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                round.add(first);
                requests.drainTo(round);
            } catch (InterruptedException e) {
                return;
            }
            Map<String, List<Request>> byTopic = new LinkedHashMap<>();
            round.forEach(r -> byTopic.computeIfAbsent(r.topic(), t -> new ArrayList<>()).add(r));
            for (Map.Entry<String, List<Request>> topic : byTopic.entrySet()) {
                try {
                    serve(topic.getKey(), topic.getValue());
                } catch (RuntimeException e) {
                    log.warn("Hub relay: reading missed messages of topic {} failed ({}); {} clients get recovered:false",
                            topic.getKey(), e.toString(), topic.getValue().size());
                    topic.getValue().forEach(r -> r.callback().recovered(List.of(), false));
                }
            }
        }
    }

    private void serve(String topic, List<Request> waiting) {
        long[] oldest = waiting.get(0).after();
        for (Request request : waiting) {
            if (MessageIds.compare(request.after(), oldest) < 0) {
                oldest = request.after();
            }
        }
        scans.incrementAndGet();
        List<RelayedMessage> messages = new ArrayList<>();
        List<long[]> ids = new ArrayList<>();
        boolean truncated = false;
        long[] firstEntry;
        try (RedisConnection connection = connectionFactory.getConnection()) {
            List<ByteRecord> head = connection.streamCommands().xRange(key, Range.unbounded(), Limit.limit().count(1));
            firstEntry = head == null || head.isEmpty() ? null : MessageIds.parse(head.get(0).getId().getValue() + ".0");
            Range<String> range = Range.rightUnbounded(Range.Bound.inclusive(oldest[0] + "-" + oldest[1]));
            Map<UUID, Long> lastSequence = new HashMap<>();
            while (!truncated) {
                List<ByteRecord> page = connection.streamCommands().xRange(key, range, Limit.limit().count(PAGE));
                if (page == null || page.isEmpty()) {
                    break;
                }
                for (ByteRecord record : page) {
                    truncated = collect(record, topic, oldest, lastSequence, messages, ids);
                    if (truncated) {
                        break;
                    }
                }
                if (page.size() < PAGE) {
                    break;
                }
                range = Range.rightUnbounded(Range.Bound.exclusive(page.get(page.size() - 1).getId().getValue()));
            }
        }
        for (Request request : waiting) {
            // Entries older than the stream's first may have been trimmed away: some could be missing.
            boolean trimmed = firstEntry == null || MessageIds.compare(new long[] {request.after()[0], request.after()[1], 0}, firstEntry) < 0;
            int from = firstAfter(ids, request.after());
            request.callback().recovered(messages.subList(from, messages.size()), !truncated && !trimmed);
        }
    }

    /** @return true when the scan holds as many messages as it may */
    private boolean collect(ByteRecord record, String topic, long[] after, Map<UUID, Long> lastSequence,
            List<RelayedMessage> messages, List<long[]> ids) {
        Map<byte[], byte[]> fields = record.getValue();
        if (fields.size() != 1 || !Arrays.equals(fields.keySet().iterator().next(), RedisStreamsHubRelay.FIELD)) {
            return false;
        }
        List<byte[]> envelopes;
        try {
            envelopes = StreamBatch.decode(fields.values().iterator().next(), options.maxEnvelopeBytes());
        } catch (EnvelopeCodec.RejectedException e) {
            return false;
        }
        String entryId = record.getId().getValue();
        for (int i = 0; i < envelopes.size(); i++) {
            RelayEnvelope envelope;
            try {
                envelope = decoder.decode(envelopes.get(i));
            } catch (EnvelopeCodec.RejectedException e) {
                // Counted when the reader met it.
                continue;
            }
            Long last = lastSequence.get(envelope.instance());
            if (last != null && envelope.sequence() <= last) {
                continue;
            }
            lastSequence.put(envelope.instance(), envelope.sequence());
            String id = entryId + "." + i;
            long[] position = MessageIds.parse(id);
            if (!envelope.topic().equals(topic) || MessageIds.compare(position, after) <= 0) {
                continue;
            }
            if (messages.size() >= options.recoveryMaxMessages()) {
                return true;
            }
            messages.add(new RelayedMessage(id, topic, envelope.messageType(), envelope.data()));
            ids.add(position);
        }
        return false;
    }

    private static int firstAfter(List<long[]> ids, long[] after) {
        int low = 0;
        int high = ids.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (MessageIds.compare(ids.get(mid), after) <= 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
