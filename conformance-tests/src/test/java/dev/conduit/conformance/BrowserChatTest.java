package dev.conduit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conduit.example.ExampleApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A real browser on the example app's chat page: headless Debian chromium driven by playwright-core
 * ({@code src/test/node/chat_browser.js}). Two tabs each send a message through {@code /chat}; both
 * tabs must show both messages, in order, and permessage-deflate must have been negotiated.
 * Screenshots stay under {@code target/browser/}.
 */
@SpringBootTest(classes = {ExampleApplication.class, ConformanceServerConfig.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
class BrowserChatTest {

    @Value("${local.server.port}")
    int port;

    @Test
    void twoTabsChatThroughTheExampleApp() throws Exception {
        Peers.requireChromium();
        Path artefacts = Peers.BUILD.resolve("browser").toAbsolutePath();
        JsonNode result;
        try (PeerProcess p = PeerProcess.start("chromium-chat", Peers.NODE_DIR, Map.of(),
                "node", "chat_browser.js", "http://127.0.0.1:" + port, artefacts.toString())) {
            PeerProcess.Result r = p.await(120);
            assertThat(r.exitCode()).as("chat_browser.js exit code; stderr %s", r.stderr()).isZero();
            result = new ObjectMapper().readTree(r.stdout().get(r.stdout().size() - 1));
        }
        for (String tab : List.of("A", "B")) {
            JsonNode t = result.path("tabs").path(tab);
            assertThat(t.path("status").asText()).as("tab %s status", tab).isEqualTo("connected");
            assertThat(texts(t.path("log"))).as("tab %s shows", tab)
                    .containsExactly("hello from tab A", "héllo from tab B ✓");
            assertThat(t.path("input").asText()).as("tab %s input cleared after sending", tab).isEmpty();
            assertThat(artefacts.resolve("chat-tab-" + tab + ".png")).isNotEmptyFile();
        }
        JsonNode handshakes = result.path("handshakes");
        assertThat(handshakes.size()).as("one WebSocket handshake per tab").isEqualTo(2);
        for (JsonNode h : handshakes) {
            assertThat(h.path("status").asInt()).isEqualTo(101);
            // Chromium always offers permessage-deflate (with client_max_window_bits); the
            // conformance server enables compression, so the browser's messages go compressed.
            String extensions = h.path("headers").path("sec-websocket-extensions").asText("");
            System.out.println("browser tab " + h.path("tab").asText() + " handshake 101, Sec-WebSocket-Extensions: " + extensions);
            assertThat(extensions).as("tab %s negotiated", h.path("tab").asText()).startsWith("permessage-deflate");
        }
        Files.writeString(artefacts.resolve("result.json"), result.toPrettyString());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
