package dev.conduit.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conduit.websocket.spring.testing.WsClient;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two example-app instances on the Streams relay, clients speaking the chat page's recovery
 * protocol ({@code /chat?since=<id>}): a client that drops and reconnects to the other instance with
 * the id of the last message it saw first receives what it missed, in order, then
 * {@code {"recovered":true}}, then the live messages, each once. An unknown or too old id gets
 * {@code recovered:false} and the live messages.
 */
@DisabledIfSystemProperty(named = "spring.aot.enabled", matches = "true",
        disabledReason = "it starts its own SpringApplications, which have no AOT initializer; the @SpringBootTest classes run on AOT")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisHubRecoveryTests {
    private static final ObjectMapper JSON = new ObjectMapper();
    private RedisServer redis;
    private ConfigurableApplicationContext instanceA;
    private ConfigurableApplicationContext instanceB;
    private int probes;

    @BeforeAll
    void start() throws Exception {
        redis = RedisServer.start();
        instanceA = startInstance();
        instanceB = startInstance();
    }

    private ConfigurableApplicationContext startInstance() {
        return new SpringApplicationBuilder(ExampleApplication.class).run(
                "--server.port=0", "--server.address=127.0.0.1",
                "--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redis.port(),
                "--spring.data.redis.timeout=3s",
                "--conduit.websocket.hub.redis.enabled=true", "--conduit.websocket.hub.redis.mode=streams");
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

    private static URI chat(ConfigurableApplicationContext context, String since) {
        return URI.create("ws://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + "/chat?since="
                + URLEncoder.encode(since, StandardCharsets.UTF_8));
    }

    /** The next frame that is not a probe, as JSON. */
    private static JsonNode next(WsClient client) throws Exception {
        while (true) {
            JsonNode frame = JSON.readTree(client.nextText());
            if (!frame.path("text").asText().startsWith("probe-")) {
                return frame;
            }
        }
    }

    /** Sends probes from {@code from} until one reaches {@code to}; drains both up to it. */
    private void awaitFlowing(WsClient from, WsClient to) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String probe = "probe-" + probes++;
            from.sendText(probe);
            Object got;
            while ((got = to.messages.poll(200, TimeUnit.MILLISECONDS)) != null) {
                if (JSON.readTree((String) got).path("text").asText().equals(probe)) {
                    JsonNode atFrom;
                    do {
                        atFrom = JSON.readTree(from.nextText());
                    } while (!atFrom.path("text").asText().equals(probe));
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no message crossed between the instances within 60 s");
            }
        }
    }

    @Test
    void aClientReconnectingToTheOtherInstanceGetsWhatItMissedThenLiveMessages() throws Exception {
        WsClient alice = WsClient.connect(chat(instanceA, ""));
        WsClient bob = WsClient.connect(chat(instanceB, ""));
        awaitFlowing(bob, alice);
        awaitFlowing(alice, bob);

        for (int i = 0; i < 10; i++) {
            bob.sendText("m-" + i);
        }
        String lastSeen = null;
        for (int i = 0; i < 10; i++) {
            JsonNode message = next(alice);
            assertThat(message.path("text").asText()).isEqualTo("m-" + i);
            lastSeen = message.path("id").asText();
        }
        alice.close();

        List<String> missed = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            bob.sendText("n-" + i);
            missed.add("n-" + i);
        }
        // Bob's own copies come through the stream too: once he has the last, all 20 are in Redis.
        for (int i = 0; i < 10; i++) {
            assertThat(next(bob).path("text").asText()).isEqualTo("m-" + i);
        }
        for (String expected : missed) {
            assertThat(next(bob).path("text").asText()).isEqualTo(expected);
        }

        // Alice comes back on the other instance.
        WsClient again = WsClient.connect(chat(instanceB, lastSeen));
        for (String expected : missed) {
            JsonNode message = next(again);
            assertThat(message.path("text").asText()).isEqualTo(expected);
        }
        JsonNode marker = next(again);
        assertThat(marker.path("recovered").asBoolean()).isTrue();
        assertThat(marker.path("missed").asInt()).isEqualTo(20);
        bob.sendText("live");
        JsonNode live = next(again);
        assertThat(live.path("text").asText()).isEqualTo("live");
        bob.sendText("end");
        assertThat(next(again).path("text").asText()).as("nothing repeated").isEqualTo("end");

        // An id too old for the window (2 minutes), and one that is not an id at all.
        for (String since : List.of("1-0.0", "not-an-id", "9".repeat(100))) {
            WsClient stranger = WsClient.connect(chat(instanceA, since));
            JsonNode answer = next(stranger);
            assertThat(answer.path("recovered").asBoolean(true)).as(since).isFalse();
            assertThat(answer.path("missed").asInt()).isZero();
            stranger.close();
        }
        again.close();
        bob.close();
    }
}
