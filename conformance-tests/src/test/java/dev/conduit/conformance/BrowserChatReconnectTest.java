package dev.conduit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conduit.example.ExampleApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The example app's chat page in headless Chromium ({@code src/test/node/chat_reconnect_browser.js}),
 * with the app under {@code server.servlet.context-path=/app} and a TCP relay the script cuts:
 * the page connects to {@code /app/chat} and chats; when the relay drops it and refuses new
 * connections, the page retries after growing ceilings with full jitter (its own schedule, and
 * the relay counts the refused upgrades); when the relay is back it dials the same URL with its
 * {@code ?since=} position; after a stable connection the schedule starts over. Nothing is asserted about
 * how long anything takes.
 */
@SpringBootTest(classes = ExampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "server.servlet.context-path=/app"})
class BrowserChatReconnectTest {

    @Value("${local.server.port}")
    int port;

    @Test
    void thePageWorksUnderAContextPathAndReconnectsWithJitteredBackoff() throws Exception {
        Peers.requireChromium();
        Path artefacts = Peers.BUILD.resolve("browser").toAbsolutePath();
        JsonNode result;
        try (PeerProcess p = PeerProcess.start("chromium-chat-reconnect", Peers.NODE_DIR, Map.of(),
                "node", "chat_reconnect_browser.js", "http://127.0.0.1:" + port + "/app/", artefacts.toString())) {
            PeerProcess.Result r = p.await(180);
            assertThat(r.exitCode()).as("chat_reconnect_browser.js exit code; stderr %s", r.stderr()).isZero();
            result = new ObjectMapper().readTree(r.stdout().get(r.stdout().size() - 1));
        }
        Files.writeString(artefacts.resolve("reconnect-result.json"), result.toPrettyString());

        // Under the context path: the page's WebSocket URL is relative to the page, and it chats.
        JsonNode upgrades = result.path("upgrades");
        assertThat(upgrades.get(0).path("line").asText()).isEqualTo("GET /app/chat?since= HTTP/1.1");
        assertThat(texts(result.path("chatted"))).containsExactly("hello under a context path");

        // Dropped, then refused: retry n waits a random delay under min(max, initial * 2^n).
        JsonNode backoff = result.path("backoff");
        long initial = backoff.path("initial").asLong();
        long max = backoff.path("max").asLong();
        JsonNode schedule = result.path("reconnects");
        int failures = 5;   // the drop and at least four refused dials
        Set<Long> delays = new HashSet<>();
        boolean jittered = false;
        for (int n = 0; n < failures; n++) {
            JsonNode entry = schedule.get(n);
            long ceiling = Math.min(max, initial << n);
            assertThat(entry.path("attempt").asInt()).as("entry %d", n).isEqualTo(n);
            assertThat(entry.path("ceiling").asLong()).as("ceiling %d grows", n).isEqualTo(ceiling);
            assertThat(entry.path("delay").asLong()).as("delay %d", n).isBetween(0L, ceiling);
            assertThat(entry.path("code").asInt()).isEqualTo(1006);
            delays.add(entry.path("delay").asLong());
            jittered |= entry.path("delay").asLong() != ceiling;
        }
        assertThat(jittered).as("delays are drawn under the ceilings, not the ceilings: %s", schedule).isTrue();
        assertThat(delays).as("distinct draws").hasSizeGreaterThan(1);
        assertThat(result.path("refusedWhileDown").asInt()).as("upgrade attempts the relay refused").isGreaterThanOrEqualTo(failures - 1);

        // Back: it dials the same relative URL with its position. The in-memory hub gives messages no
        // ids, so the position stays empty here; RedisHubRecoveryTests covers resuming from an id.
        JsonNode resumed = result.path("resumedWith");
        assertThat(resumed.path("line").asText()).isEqualTo("GET /app/chat?since= HTTP/1.1");
        assertThat(resumed.path("forwarded").asBoolean()).isTrue();

        // A connection that stayed open longer than stableAfter resets the schedule.
        JsonNode afterStable = result.path("afterStable");
        assertThat(afterStable.path("attempt").asInt()).isZero();
        assertThat(afterStable.path("ceiling").asLong()).isEqualTo(initial);
        assertThat(result.path("status").asText()).isEqualTo("connected");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
