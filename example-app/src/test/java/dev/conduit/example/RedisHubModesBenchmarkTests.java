package dev.conduit.example;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conduit.websocket.spring.hub.Hub;
import dev.conduit.websocket.spring.hub.HubRelay;
import dev.conduit.websocket.spring.hub.redis.RedisStreamsHubRelay;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Measures the relay modes on loopback, not a check (no assertions on speed): broadcasts per second
 * of 1 KiB messages across two and three instances with {@code hub.benchmark.receivers} (1,000)
 * receivers each, pub/sub against streams; the Redis memory a stream of 1 KiB broadcasts takes;
 * and the time 1,000 clients reconnecting at once take to recover 100 missed messages. Run it with
 * {@code ./mvnw -B verify -pl websocket-spring-boot-starter,example-app -am -Dconduit.skipCoreTests=true
 * -Dtest=RedisHubModesBenchmarkTests -Dsurefire.failIfNoSpecifiedTests=false -Dhub.benchmark=true};
 * the figures are the HUB-MODES lines of the test's output file.
 */
@EnabledIfSystemProperty(named = "hub.benchmark", matches = "true")
class RedisHubModesBenchmarkTests {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECEIVERS = Integer.getInteger("hub.benchmark.receivers", 1000);
    private static final int BROADCASTS = Integer.getInteger("hub.benchmark.broadcasts", 300);
    private static final String PAYLOAD = "x".repeat(1024);

    /** Counts whole text messages. */
    static final class Counter implements WebSocket.Listener {
        final AtomicLong count = new AtomicLong();
        volatile String lastId;
        volatile boolean recovered;
        final CountDownLatch marker = new CountDownLatch(1);
        private final StringBuilder text = new StringBuilder();
        private final boolean json;

        Counter(boolean json) {
            this.json = json;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (!json) {
                if (last) {
                    count.incrementAndGet();
                }
            } else {
                text.append(data);
                if (last) {
                    try {
                        var node = JSON.readTree(text.toString());
                        if (node.has("recovered")) {
                            recovered = node.get("recovered").asBoolean();
                            marker.countDown();
                        } else {
                            lastId = node.get("id").asText();
                            count.incrementAndGet();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    text.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }
    }

    @Test
    void modes() throws Exception {
        String parts = System.getProperty("hub.benchmark.parts", "throughput,memory,recovery");
        if (parts.contains("throughput")) {
            for (String mode : List.of("pubsub", "streams")) {
                for (int instances : new int[] {2, 3}) {
                    throughput(mode, instances);
                }
            }
        }
        if (parts.contains("memory")) {
            streamMemory();
        }
        if (parts.contains("recovery")) {
            recovery();
        }
    }

    private void throughput(String mode, int instances) throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            List<ConfigurableApplicationContext> apps = new ArrayList<>();
            try {
                for (int i = 0; i < instances; i++) {
                    apps.add(start(redis, mode));
                }
                HttpClient http = HttpClient.newHttpClient();
                List<Counter> counters = new ArrayList<>();
                List<CompletableFuture<WebSocket>> sockets = new ArrayList<>();
                for (ConfigurableApplicationContext app : apps) {
                    for (int r = 0; r < RECEIVERS; r++) {
                        Counter counter = new Counter(false);
                        counters.add(counter);
                        sockets.add(http.newWebSocketBuilder().buildAsync(chat(app, null), counter));
                    }
                }
                CompletableFuture.allOf(sockets.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
                // Until a broadcast of each instance reaches every receiver: all subscribed and reading.
                long expected = 0;
                for (ConfigurableApplicationContext app : apps) {
                    app.getBean(Hub.class).broadcastText("chat", "warm");
                    expected++;
                    await(counters, expected, 120);
                }
                long start = System.nanoTime();
                List<Thread> publishers = new ArrayList<>();
                for (ConfigurableApplicationContext app : apps) {
                    Hub hub = app.getBean(Hub.class);
                    Thread publisher = new Thread(() -> {
                        for (int i = 0; i < BROADCASTS / instances; i++) {
                            hub.broadcastText("chat", PAYLOAD);
                        }
                    });
                    publishers.add(publisher);
                    publisher.start();
                }
                for (Thread publisher : publishers) {
                    publisher.join();
                }
                expected += (long) (BROADCASTS / instances) * instances;
                await(counters, expected, 300);
                double seconds = (System.nanoTime() - start) / 1e9;
                long broadcasts = (long) (BROADCASTS / instances) * instances;
                long lost = apps.stream().mapToLong(a -> a.getBean(Hub.class).stats().relayLostOnReceive()
                        + a.getBean(Hub.class).stats().relayLostOnPublish()).sum();
                long dropped = apps.stream().mapToLong(a -> a.getBean(Hub.class).stats().droppedConnections()).sum();
                System.out.printf("HUB-MODES %s, %d instances x %d receivers: %d broadcasts of 1 KiB in %.2f s = %.0f broadcasts/s,"
                        + " %.0f deliveries/s (lost %d, connections dropped %d)%n", mode, instances, RECEIVERS, broadcasts, seconds,
                        broadcasts / seconds, broadcasts * (double) counters.size() / seconds, lost, dropped);
                sockets.forEach(s -> s.join().abort());
            } finally {
                apps.forEach(ConfigurableApplicationContext::close);
            }
        }
    }

    private void streamMemory() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            ConfigurableApplicationContext app = start(redis, "streams");
            try {
                Hub hub = app.getBean(Hub.class);
                RedisConnectionFactory factory = app.getBean(RedisConnectionFactory.class);
                long before = usedMemory(factory);
                int messages = 20_000;
                for (int i = 0; i < messages; i++) {
                    hub.broadcastText("chat", PAYLOAD);
                    if (i % 10 == 0) {
                        // Light load: about one broadcast per entry, as a quiet chat would write them.
                        while (hub.relayOutboxBytes() > 0) {
                            Thread.onSpinWait();
                        }
                    }
                }
                while (hub.relayOutboxBytes() > 0) {
                    Thread.sleep(10);
                }
                Thread.sleep(500);
                long entries;
                try (RedisConnection connection = factory.getConnection()) {
                    entries = connection.streamCommands().xLen("conduit:websocket:hub".getBytes(StandardCharsets.UTF_8));
                }
                long grown = usedMemory(factory) - before;
                System.out.printf("HUB-MODES stream memory: %d broadcasts of 1 KiB in %d entries: used_memory +%d bytes"
                        + " (%.0f per broadcast)%n", messages, entries, grown, grown / (double) messages);
            } finally {
                app.close();
            }
        }
    }

    private static long usedMemory(RedisConnectionFactory factory) {
        try (RedisConnection connection = factory.getConnection()) {
            return Long.parseLong(connection.serverCommands().info("memory").getProperty("used_memory"));
        }
    }

    private void recovery() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            ConfigurableApplicationContext a = start(redis, "streams");
            ConfigurableApplicationContext b = start(redis, "streams");
            try {
                HttpClient http = HttpClient.newHttpClient();
                List<Counter> counters = new ArrayList<>();
                List<CompletableFuture<WebSocket>> sockets = new ArrayList<>();
                for (int r = 0; r < 1000; r++) {
                    Counter counter = new Counter(true);
                    counters.add(counter);
                    sockets.add(http.newWebSocketBuilder().buildAsync(chat(a, ""), counter));
                }
                CompletableFuture.allOf(sockets.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
                Hub hubB = b.getBean(Hub.class);
                hubB.broadcastText("chat", "seen");
                await(counters, 1, 120);
                for (CompletableFuture<WebSocket> socket : sockets) {
                    socket.join().sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
                }
                Hub hubA = a.getBean(Hub.class);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (hubA.size("chat") > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                int missed = 100;
                for (int i = 0; i < missed; i++) {
                    hubB.broadcastText("chat", PAYLOAD);
                }
                while (hubB.relayOutboxBytes() > 0) {
                    Thread.sleep(10);
                }
                Thread.sleep(500);
                HubRelay relay = b.getBean(HubRelay.class);
                long scansBefore = ((RedisStreamsHubRelay) relay).recoveryScans();
                List<Counter> again = new ArrayList<>();
                List<CompletableFuture<WebSocket>> reconnects = new ArrayList<>();
                long start = System.nanoTime();
                for (Counter old : counters) {
                    Counter counter = new Counter(true);
                    again.add(counter);
                    reconnects.add(http.newWebSocketBuilder().buildAsync(chat(b, old.lastId), counter));
                }
                for (Counter counter : again) {
                    counter.marker.await(120, TimeUnit.SECONDS);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long complete = again.stream().filter(c -> c.recovered && c.count.get() == missed).count();
                System.out.printf("HUB-MODES recovery: 1000 clients reconnecting at once to the other instance, %d missed"
                        + " messages of 1 KiB each: all answered in %.2f s (%d complete with all %d), %d stream reads%n",
                        missed, seconds, complete, missed, ((RedisStreamsHubRelay) relay).recoveryScans() - scansBefore);
                reconnects.forEach(s -> s.join().abort());
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private static void await(List<Counter> counters, long each, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (counters.stream().anyMatch(c -> c.count.get() < each)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(counters.stream().filter(c -> c.count.get() < each).count() + " receivers short of " + each);
            }
            Thread.sleep(5);
        }
    }

    private static URI chat(ConfigurableApplicationContext context, String since) {
        return URI.create("ws://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + "/chat"
                + (since == null ? "" : "?since=" + URLEncoder.encode(since, StandardCharsets.UTF_8)));
    }

    private static ConfigurableApplicationContext start(RedisServer redis, String mode) {
        return new SpringApplicationBuilder(ExampleApplication.class).run(
                "--server.port=0", "--server.address=127.0.0.1", "--logging.level.root=WARN",
                "--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redis.port(),
                "--conduit.websocket.hub.redis.enabled=true", "--conduit.websocket.hub.redis.mode=" + mode,
                "--conduit.websocket.hub.queue-capacity=10000", "--conduit.websocket.hub.queue-bytes=64MB",
                // Every client dials at once: no bound on handshakes in progress (100 by default), and
                // Tomcat's own streams (a ramp of 1,000 takeovers at once starved Tomcat's poller here).
                "--conduit.websocket.max-concurrent-handshakes=0", "--conduit.websocket.transport=container");
    }
}
