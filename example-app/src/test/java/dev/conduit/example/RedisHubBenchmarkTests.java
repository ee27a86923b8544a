package dev.conduit.example;

import dev.conduit.websocket.spring.hub.Hub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Measures cross-instance deliveries per second and the latency Redis adds, on loopback. Not a
 * check (no assertions on speed): run it on purpose with
 * {@code ./mvnw -B verify -pl websocket-spring-boot-starter,example-app -am -Dconduit.skipCoreTests=true
 * -Dtest=RedisHubBenchmarkTests -Dsurefire.failIfNoSpecifiedTests=false -Dhub.benchmark=true}; the
 * figures go to the test's output file (docs/hub.md).
 */
@EnabledIfSystemProperty(named = "hub.benchmark", matches = "true")
class RedisHubBenchmarkTests {

    /** Records when each text message arrives. */
    static final class Arrivals implements WebSocket.Listener {
        final AtomicLong count = new AtomicLong();
        final BlockingQueue<long[]> times = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                long now = System.nanoTime();
                String message = text.toString();
                text.setLength(0);
                count.incrementAndGet();
                if (message.startsWith("lat-")) {
                    times.add(new long[] {Long.parseLong(message.substring(4)), now});
                }
            }
            webSocket.request(1);
            return null;
        }
    }

    @Test
    void crossInstanceThroughputAndAddedLatency() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            ConfigurableApplicationContext a = start(redis);
            ConfigurableApplicationContext b = start(redis);
            try {
                HttpClient http = HttpClient.newHttpClient();
                Arrivals local = new Arrivals();
                Arrivals remote = new Arrivals();
                WebSocket atA = http.newWebSocketBuilder().buildAsync(chat(a), local).get(10, TimeUnit.SECONDS);
                http.newWebSocketBuilder().buildAsync(chat(b), remote).get(10, TimeUnit.SECONDS);
                Hub hubA = a.getBean(Hub.class);
                // Warm up and wait until the relay carries messages.
                while (remote.count.get() == 0) {
                    hubA.broadcastText("chat", "warm");
                    Thread.sleep(100);
                }
                long warmed = remote.count.get();
                for (int i = 0; i < 20_000; i++) {
                    hubA.broadcastText("chat", "warm");
                }
                await(remote, warmed + 20_000);

                // Throughput: broadcasts on A, counted as they reach a client of B.
                int messages = 200_000;
                String payload = "x".repeat(100);
                long remoteBefore = remote.count.get();
                long start = System.nanoTime();
                for (int i = 0; i < messages; i++) {
                    hubA.broadcastText("chat", payload);
                }
                await(remote, remoteBefore + messages);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("HUB-BENCH throughput: %d messages of 100 B from instance A to a client of B in %.2f s = %.0f deliveries/s (lost on publish %d)%n",
                        messages, seconds, messages / seconds, hubA.stats().relayLostOnPublish());

                // Latency: one message at a time from a client of A; arrival at A's own client (local
                // delivery) versus at B's client (through Redis).
                local.times.clear();
                remote.times.clear();
                int samples = 2000;
                long[] added = new long[samples];
                long[] through = new long[samples];
                for (int i = 0; i < samples; i++) {
                    long sent = System.nanoTime();
                    atA.sendText("lat-" + sent, true).get(10, TimeUnit.SECONDS);
                    long[] l = local.times.poll(10, TimeUnit.SECONDS);
                    long[] r = remote.times.poll(10, TimeUnit.SECONDS);
                    added[i] = r[1] - l[1];
                    through[i] = r[1] - sent;
                }
                Arrays.sort(added);
                Arrays.sort(through);
                System.out.printf("HUB-BENCH latency over %d messages: client of A -> client of B median %.0f us, p99 %.0f us; added by Redis over local delivery median %.0f us, p99 %.0f us%n",
                        samples, through[samples / 2] / 1e3, through[samples * 99 / 100] / 1e3,
                        added[samples / 2] / 1e3, added[samples * 99 / 100] / 1e3);
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private static void await(Arrivals arrivals, long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (arrivals.count.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        if (arrivals.count.get() < count) {
            throw new AssertionError("only " + arrivals.count.get() + " of " + count + " arrived");
        }
    }

    private static URI chat(ConfigurableApplicationContext context) {
        return URI.create("ws://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + "/chat");
    }

    private static ConfigurableApplicationContext start(RedisServer redis) {
        return new SpringApplicationBuilder(ExampleApplication.class).run(
                "--server.port=0", "--server.address=127.0.0.1", "--logging.level.root=WARN",
                "--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redis.port(),
                "--conduit.websocket.hub.redis.enabled=true",
                "--conduit.websocket.hub.redis.publish-queue-capacity=300000",
                "--conduit.websocket.hub.queue-capacity=300000");
    }
}
