package dev.conduit.websocket.spring.hub.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Streams relay against a real redis-server with append-only persistence, each relay on its
 * own connection factory like separate instances: three instances broadcasting through a crash
 * and restart of Redis, a {@code DEBUG SLEEP} and a {@code CLIENT PAUSE} each receive every
 * broadcast exactly once, in each publisher's order, and all three in the same order. A reader that falls
 * behind the stream's retention counts and logs what was trimmed before it read it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class RedisStreamsRelayTests {
    private RedisServer redis;
    private final List<LettuceConnectionFactory> factories = new ArrayList<>();
    private final List<RedisStreamsHubRelay> relays = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        redis = RedisServer.start(true);
    }

    @AfterAll
    void stop() throws Exception {
        relays.forEach(RedisStreamsHubRelay::stop);
        factories.forEach(LettuceConnectionFactory::destroy);
        if (redis != null) {
            redis.close();
        }
    }

    private RedisStreamsHubRelay relay(RedisRelayOptions options, dev.conduit.websocket.spring.hub.HubRelay.Receiver receiver) {
        LettuceConnectionFactory factory = redis.connectionFactory();
        factories.add(factory);
        RedisStreamsHubRelay relay = new RedisStreamsHubRelay(factory, options);
        relays.add(relay);
        relay.start(receiver);
        return relay;
    }

    private static void publish(RedisStreamsHubRelay relay, String text) {
        relay.publish("room", WebSocket.TEXT_MESSAGE, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void nothingIsLostThroughARestartASleepAndAPause() throws Exception {
        RedisRelayOptions options = RedisRelayOptions.defaults("hub:stream:outages").withPublishTimeout(Duration.ofSeconds(1));
        Map<String, RedisStreamsHubRelay> relays = new LinkedHashMap<>();
        Map<String, RelayProbe> probes = new LinkedHashMap<>();
        for (String name : List.of("A", "B", "C")) {
            RelayProbe probe = new RelayProbe();
            probes.put(name, probe);
            relays.put(name, relay(options, probe));
        }
        // Every reader has its position once a probe from A reaches B and C, and one from B reaches A.
        probes.get("B").awaitFlowing(relays.get("A"));
        probes.get("C").awaitFlowing(relays.get("A"));
        probes.get("A").awaitFlowing(relays.get("B"));
        probes.values().forEach(p -> p.received.clear());

        Map<String, List<String>> sent = new LinkedHashMap<>();
        relays.keySet().forEach(name -> sent.put(name, new ArrayList<>()));
        java.util.function.Consumer<String> broadcast = label -> {
            for (int i = 0; i < 50; i++) {
                for (Map.Entry<String, RedisStreamsHubRelay> relay : relays.entrySet()) {
                    String text = label + "-" + relay.getKey() + "-" + i;
                    publish(relay.getValue(), text);
                    sent.get(relay.getKey()).add("room:" + text);
                }
            }
        };

        broadcast.accept("before");
        redis.kill();
        broadcast.accept("down");
        redis.startProcess();
        broadcast.accept("restarted");
        Thread sleeper = new Thread(() -> {
            try {
                redis.cli(null, "DEBUG", "SLEEP", "2");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        sleeper.start();
        broadcast.accept("sleep");
        sleeper.join();
        assertThat(redis.cli(null, "CLIENT", "PAUSE", "2000")).isEqualTo("OK");
        broadcast.accept("pause");
        for (Map.Entry<String, RedisStreamsHubRelay> relay : relays.entrySet()) {
            publish(relay.getValue(), "end-" + relay.getKey());
            sent.get(relay.getKey()).add("room:end-" + relay.getKey());
        }

        // With a recovery window (the default) every instance delivers every broadcast, its own too,
        // from the stream: each receives all 753, in each publisher's order, and all in one order.
        List<String> first = null;
        for (Map.Entry<String, RelayProbe> receiver : probes.entrySet()) {
            Map<String, List<String>> got = new LinkedHashMap<>();
            relays.keySet().forEach(n -> got.put(n, new ArrayList<>()));
            List<String> all = new ArrayList<>();
            int ends = 0;
            while (ends < 3) {
                String message = receiver.getValue().next();
                got.get(message.split("-")[1]).add(message);
                all.add(message);
                if (message.startsWith("room:end-")) {
                    ends++;
                }
            }
            for (Map.Entry<String, List<String>> publisher : got.entrySet()) {
                assertThat(publisher.getValue()).as("%s's broadcasts at %s", publisher.getKey(), receiver.getKey())
                        .containsExactlyElementsOf(sent.get(publisher.getKey()));
            }
            if (first == null) {
                first = all;
            } else {
                assertThat(all).as("the order at %s", receiver.getKey()).containsExactlyElementsOf(first);
            }
        }
        for (RedisStreamsHubRelay relay : relays.values()) {
            assertThat(relay.lostOnPublish()).isZero();
            assertThat(relay.lostOnReceive()).isZero();
        }
        // Nothing more arrives (no late repeat).
        probes.get("A").awaitFlowing(relays.get("B"));
        for (RelayProbe probe : probes.values()) {
            assertThat(probe.received).allMatch(m -> m.startsWith("probe:"));
        }
    }

    @Test
    void whatWasTrimmedBeforeBeingReadIsCountedAndLoggedOnce(CapturedOutput output) throws Exception {
        RedisRelayOptions options = RedisRelayOptions.defaults("hub:stream:retention").withStreamMaxLength(100);
        RelayProbe atB = new RelayProbe();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        // B's reader stalls inside the first real message until released: a reader far behind the writers.
        RedisStreamsHubRelay a = relay(options, new RelayProbe());
        RedisStreamsHubRelay b = relay(options, (topic, type, data) -> {
            atB.deliver(topic, type, data);
            if (topic.equals("room") && holding.getCount() > 0) {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        atB.awaitFlowing(a);
        publish(a, "m-0");
        assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
        int total = 2000;
        for (int i = 1; i < total; i++) {
            publish(a, "m-" + i);
            if (i % 5 == 0) {
                // Small batches, so that the stream has far more than 100 entries to trim.
                await(() -> a.outboxBytes() == 0, "A's outbox never emptied");
            }
        }
        // All appended, and the stream trimmed to about 100 entries.
        await(() -> a.outboxBytes() == 0 && cliOk("XREVRANGE", "hub:stream:retention", "+", "-", "COUNT", "1").contains("m-" + (total - 1))
                && Long.parseLong(cliOk("XLEN", "hub:stream:retention")) < 300,
                "A never appended its last broadcast");
        release.countDown();

        assertThat(atB.next()).isEqualTo("room:m-0");
        List<String> got = new ArrayList<>();
        String message;
        do {
            message = atB.next();
            got.add(message);
        } while (!message.equals("room:m-" + (total - 1)));
        // What B got is in order and ends with the newest; the rest was trimmed, and counted.
        assertThat(got).isSortedAccordingTo((x, y) -> Integer.compare(Integer.parseInt(x.substring(7)), Integer.parseInt(y.substring(7))));
        assertThat(b.lostOnReceive()).isEqualTo(total - 1 - got.size());
        assertThat(b.lostOnReceive()).isGreaterThan(1000);
        assertThat(output.getOut().split("Hub relay: missed \\d+ broadcasts of instance " + a.instance(), -1)).hasSize(2);
    }

    @Test
    void hostileStreamEntriesAreRejectedBetweenGoodOnes() throws Exception {
        String key = "hub:stream:hostile";
        RedisRelayOptions options = RedisRelayOptions.defaults(key);
        RelayProbe atB = new RelayProbe();
        RedisStreamsHubRelay a = relay(options, new RelayProbe());
        RedisStreamsHubRelay b = relay(options, atB);
        atB.awaitFlowing(a);
        EnvelopeCodec codec = new EnvelopeCodec(options.maxEnvelopeBytes(), null);
        byte[] good = codec.encode(new RelayEnvelope(java.util.UUID.randomUUID(), 1, WebSocket.TEXT_MESSAGE, "room", "written".getBytes(StandardCharsets.UTF_8)));
        // A batch claiming 2^31 - 1 envelopes, one claiming an envelope of 2 GiB, one with bytes left over, a type 9 envelope.
        redis.cli(java.nio.ByteBuffer.allocate(8).putInt(Integer.MAX_VALUE).putInt(1).array(), "XADD", key, "*", "b");
        redis.cli(java.nio.ByteBuffer.allocate(8).putInt(1).putInt(Integer.MAX_VALUE).array(), "XADD", key, "*", "b");
        redis.cli(java.nio.ByteBuffer.allocate(4 + 4 + good.length + 3).putInt(1).putInt(good.length).put(good).array(), "XADD", key, "*", "b");
        byte[] ping = good.clone();
        ping[26] = WebSocket.PING_MESSAGE;
        redis.cli(StreamBatch.encode(List.of(ping)), "XADD", key, "*", "b");
        // Unknown or extra fields.
        redis.cli(null, "XADD", key, "*", "x", "1");
        redis.cli(StreamBatch.encode(List.of(good)), "XADD", key, "*", "b", "1", "c");
        publish(a, "still delivered");
        // A well-formed entry written from outside is read like any other (no secret configured).
        redis.cli(StreamBatch.encode(List.of(good)), "XADD", key, "*", "b");
        assertThat(atB.next()).isEqualTo("room:still delivered");
        assertThat(atB.next()).isEqualTo("room:written");
        assertThat(b.rejected(dev.conduit.websocket.spring.hub.RelayRejection.MALFORMED)).isEqualTo(4);
        assertThat(b.rejected(dev.conduit.websocket.spring.hub.RelayRejection.TOO_LARGE)).isEqualTo(1);
        assertThat(b.rejected(dev.conduit.websocket.spring.hub.RelayRejection.TYPE)).isEqualTo(1);
    }

    @Test
    void clientsRecoveringATopicShareOneReadAndTheReadIsBounded() throws Exception {
        RedisRelayOptions options = RedisRelayOptions.defaults("hub:stream:recovery");
        RelayProbe atA = new RelayProbe();
        RelayProbe atB = new RelayProbe();
        RedisStreamsHubRelay a = relay(options, atA);
        RedisStreamsHubRelay bounded = relay(options.withRecovery(Duration.ofMinutes(2), 5), atB);
        atA.awaitFlowing(a);
        atB.awaitFlowing(a);
        for (int i = 0; i < 30; i++) {
            publish(a, "m-" + i);
            a.publish("other", WebSocket.TEXT_MESSAGE, ("o-" + i).getBytes(StandardCharsets.UTF_8));
        }
        while (!atA.next().equals("room:m-29")) {
            // Delivered through the stream: all 60 are in Redis.
        }
        String afterM9 = atA.ids.get("room:m-9");
        List<String> expected = new ArrayList<>();
        for (int i = 10; i < 30; i++) {
            expected.add(atA.ids.get("room:m-" + i));
        }

        // While Redis is paused the first read waits, and every other request queues behind it.
        long scansBefore = a.recoveryScans();
        int clients = 1000;
        CountDownLatch answered = new CountDownLatch(clients + 1);
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        assertThat(redis.cli(null, "CLIENT", "PAUSE", "1000")).isEqualTo("OK");
        for (int i = 0; i < clients; i++) {
            a.recover("room", afterM9, (missed, complete) -> {
                List<String> ids = missed.stream().map(dev.conduit.websocket.spring.hub.RelayedMessage::id).toList();
                if (!complete || !ids.equals(expected)) {
                    problems.add(complete + " " + ids);
                }
                answered.countDown();
            });
        }
        a.recover("room", atA.ids.get("room:m-0"), (missed, complete) -> {
            if (!complete || missed.size() != 29 || !"room".equals(missed.get(0).topic())) {
                problems.add("from m-0: " + complete + " " + missed.size());
            }
            answered.countDown();
        });
        assertThat(answered.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(problems).isEmpty();
        assertThat(a.recoveryScans() - scansBefore).as("stream reads for %d recovering clients", clients + 1).isLessThanOrEqualTo(2);

        // A relay that holds at most 5 messages per read says the recovery is incomplete.
        CountDownLatch boundedAnswer = new CountDownLatch(1);
        bounded.recover("room", afterM9, (missed, complete) -> {
            if (complete || missed.size() != 5 || !missed.get(0).id().equals(expected.get(0))) {
                problems.add("bounded: " + complete + " " + missed.size());
            }
            boundedAnswer.countDown();
        });
        assertThat(boundedAnswer.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(problems).isEmpty();
    }

    private String cliOk(String... args) {
        try {
            return redis.cli(null, args);
        } catch (Exception e) {
            return "";
        }
    }

    private static void await(BooleanSupplier condition, String failure) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure);
            }
            Thread.sleep(1);
        }
    }
}
