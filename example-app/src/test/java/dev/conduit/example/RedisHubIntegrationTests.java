package dev.conduit.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.spring.testing.WsClient;
import dev.conduit.websocket.spring.hub.Hub;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two example-app instances against one real redis-server: {@code /chat} messages sent on one
 * instance reach the clients of the other exactly once and in order, and a Redis restart is
 * survived, with what was lost during the outage in the log and the hub's counts.
 */
@DisabledIfSystemProperty(named = "spring.aot.enabled", matches = "true",
        disabledReason = "it starts its own SpringApplications, which have no AOT initializer; the @SpringBootTest classes run on AOT")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class RedisHubIntegrationTests {
    private RedisServer redis;
    private ConfigurableApplicationContext instanceA;
    private ConfigurableApplicationContext instanceB;
    private int counter;

    @BeforeAll
    void start() throws Exception {
        redis = RedisServer.start();
        instanceA = startInstance();
        instanceB = startInstance();
    }

    private ConfigurableApplicationContext startInstance() {
        // Command-line arguments: they win over application.properties.
        return new SpringApplicationBuilder(ExampleApplication.class).run(
                "--server.port=0", "--server.address=127.0.0.1",
                "--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redis.port(),
                // Bounds how long a publish waits for Redis while it is down.
                "--spring.data.redis.timeout=3s",
                "--conduit.websocket.hub.redis.enabled=true");
    }

    @AfterAll
    void stop() throws Exception {
        for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] {instanceA, instanceB}) {
            if (context != null) {
                context.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static URI chat(ConfigurableApplicationContext context) {
        return URI.create("ws://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + "/chat");
    }

    private static Hub hub(ConfigurableApplicationContext context) {
        return context.getBean(Hub.class);
    }

    @Test
    @Order(1)
    void everyMessageReachesTheOtherInstanceOnceAndInOrder() throws Exception {
        WsClient alice = WsClient.connect(chat(instanceA));
        WsClient bob = WsClient.connect(chat(instanceB));
        WsClient carol = WsClient.connect(chat(instanceB));
        awaitFlowing(alice, bob);
        awaitFlowing(alice, carol);

        // A burst below the hub's queue capacity (256): a larger one may drop a connection whose
        // sender falls behind (slow-receiver-policy=drop-connection), on a busy machine even alice's own.
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String message = "a-" + i;
            alice.sendText(message);
            sent.add(message);
        }
        // Binary keeps its type across instances.
        alice.sendBinary(new byte[] {1, 2, 3});
        alice.sendText("end");
        for (WsClient receiver : List.of(bob, carol, alice)) {
            for (String expected : sent) {
                assertThat(nextChat(receiver)).isEqualTo(expected);
            }
            assertThat(receiver.nextBinary()).containsExactly(1, 2, 3);
            // Nothing repeated before the end marker: each message arrived exactly once.
            assertThat(receiver.nextText()).isEqualTo("end");
        }

        // And the other way round, from B to A.
        for (int i = 0; i < 200; i++) {
            bob.sendText("b-" + i);
        }
        bob.sendText("end");
        for (int i = 0; i < 200; i++) {
            assertThat(nextChat(alice)).isEqualTo("b-" + i);
        }
        assertThat(nextChat(alice)).isEqualTo("end");
        assertThat(hub(instanceB).stats().relayLostOnReceive()).isZero();
        assertThat(hub(instanceA).stats().relayLostOnPublish()).isZero();
        alice.close();
        bob.close();
        carol.close();
    }

    @Test
    @Order(2)
    void survivesARedisRestartAndSaysWhatWasLost(CapturedOutput output) throws Exception {
        WsClient alice = WsClient.connect(chat(instanceA));
        WsClient bob = WsClient.connect(chat(instanceB));
        awaitFlowing(alice, bob);
        long lostBefore = hub(instanceA).stats().relayLostOnPublish();

        redis.kill();
        int whileDown = 20;
        for (int i = 0; i < whileDown; i++) {
            alice.sendText("down-" + i);
        }
        // Alice's own instance still delivers locally.
        for (int i = 0; i < whileDown; i++) {
            assertThat(nextChat(alice)).isEqualTo("down-" + i);
        }
        await(() -> hub(instanceA).stats().relayLostOnPublish() - lostBefore >= whileDown,
                "instance A never counted the broadcasts it could not relay");
        assertThat(output.getOut()).contains("Hub relay: publishing to Redis failed");

        redis.startProcess();
        // Probe until the relay works again: A's publishing connection and B's subscription reconnect.
        awaitFlowing(alice, bob);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            alice.sendText("after-" + i);
            sent.add("after-" + i);
        }
        alice.sendText("end");
        for (String expected : sent) {
            assertThat(nextChat(bob)).isEqualTo(expected);
        }
        assertThat(nextChat(bob)).isEqualTo("end");

        // What was lost is counted on both sides and logged once per outage. Exact numbers depend on
        // when Lettuce noticed the outage (a publish written to the dying socket counts as sent).
        assertThat(hub(instanceA).stats().relayLostOnPublish() - lostBefore).isPositive();
        assertThat(hub(instanceB).stats().relayLostOnReceive()).isPositive();
        String log = output.getOut();
        assertThat(log).containsPattern("Hub relay: Redis is back after \\d+ ms; \\d+ broadcasts of this instance did not reach");
        assertThat(log).containsPattern("Hub relay: missed \\d+ broadcasts of instance");
        assertThat(log.split("Hub relay: publishing to Redis failed", -1)).hasSize(2);
        alice.close();
        bob.close();
    }

    /** Next chat message, skipping the probes of {@link #awaitFlowing}. */
    private static String nextChat(WsClient client) throws Exception {
        while (true) {
            String text = client.nextText();
            if (!text.startsWith("probe-")) {
                return text;
            }
        }
    }

    /** Sends probes from {@code from} until one reaches {@code to}, then drains both up to that probe. */
    private void awaitFlowing(WsClient from, WsClient to) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            String probe = "probe-" + counter++;
            from.sendText(probe);
            Object got = to.messages.poll(200, TimeUnit.MILLISECONDS);
            while (got != null && !got.equals(probe)) {
                got = to.messages.poll(200, TimeUnit.MILLISECONDS);
            }
            if (got != null) {
                String atFrom;
                do {
                    atFrom = from.nextText();
                } while (!atFrom.equals(probe));
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no message crossed between the instances within 90 s");
            }
        }
    }

    private static void await(BooleanSupplier condition, String failure) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure);
            }
            Thread.sleep(50);
        }
    }
}
