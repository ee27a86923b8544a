package dev.conduit.websocket.conn;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conduit.websocket.compression.PerMessageDeflateConfig;
import dev.conduit.websocket.testing.MissingPeer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compressed conversations with Node's {@code ws} (perMessageDeflate, threshold 0) over real
 * sockets, both ways round. Needs {@code node} and {@code npm ci --prefix websocket-core/src/test/node};
 * skipped when missing, failed under {@code CI=true}.
 */
@Timeout(60)
class NodeWsConnInteropTest {
    private static final Path NODE_DIR = Path.of("src/test/node");

    @BeforeAll
    static void requireNodeWs() {
        boolean ok;
        try {
            Process p = new ProcessBuilder("node", "-e", "require('ws')").directory(NODE_DIR.toFile())
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            ok = false;
        }
        if (!ok) {
            throw MissingPeer.fail("node with ws is not installed (npm ci --prefix websocket-core/src/test/node)");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"serverNoContextTakeover\":true,\"clientNoContextTakeover\":true}",
            "{\"serverMaxWindowBits\":10}"})
    void ourClientTalksToANodeServer(String serverOptions) throws Exception {
        Process server = new ProcessBuilder("node", "echo_server.js", serverOptions).directory(NODE_DIR.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        ManualHandshake.converseWithEchoServer(server,
                ext -> assertThat(ext).singleElement().asString().startsWith("permessage-deflate"), 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"clientNoContextTakeover\":true}", "{\"serverNoContextTakeover\":true}"})
    void nodeClientTalksToOurServer(String clientOptions) throws Exception {
        for (PerMessageDeflateConfig config : List.of(PerMessageDeflateConfig.ENABLED,
                PerMessageDeflateConfig.ENABLED.withServerNoContextTakeover(true).withClientNoContextTakeover(true))) {
            try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> ManualHandshake.serveEcho(ss, config));
                Process client = new ProcessBuilder("node", "echo_client.js", "ws://127.0.0.1:" + ss.getLocalPort() + "/",
                        "60", clientOptions).directory(NODE_DIR.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                String output = new String(client.getInputStream().readAllBytes(), UTF_8);
                assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
                JsonNode result = new ObjectMapper().readTree(output);
                assertThat(result.get("ok").asBoolean()).as(output).isTrue();
                assertThat(result.get("extensions").asText()).startsWith("permessage-deflate");
                assertThat(served.get(30, TimeUnit.SECONDS)).startsWith("permessage-deflate");
            }
        }
    }

    @Test
    void nodeClientOfferingASmallServerWindowGetsNoCompression() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> served =
                    CompletableFuture.supplyAsync(() -> ManualHandshake.serveEcho(ss, PerMessageDeflateConfig.ENABLED));
            Process client = new ProcessBuilder("node", "echo_client.js", "ws://127.0.0.1:" + ss.getLocalPort() + "/",
                    "10", "{\"serverMaxWindowBits\":10}").directory(NODE_DIR.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String output = new String(client.getInputStream().readAllBytes(), UTF_8);
            assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
            JsonNode result = new ObjectMapper().readTree(output);
            assertThat(result.get("ok").asBoolean()).as(output).isTrue();
            assertThat(result.get("extensions").asText()).isEmpty();
            assertThat(served.get(30, TimeUnit.SECONDS)).isEmpty();
        }
    }
}
