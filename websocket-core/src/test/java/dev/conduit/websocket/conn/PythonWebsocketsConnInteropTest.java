package dev.conduit.websocket.conn;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conduit.websocket.compression.PerMessageDeflateConfig;
import dev.conduit.websocket.testing.MissingPeer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Compressed conversations with the Python websockets library (Debian python3-websockets, which
 * negotiates permessage-deflate by default) over real sockets, both ways round. Skipped when it is
 * missing, failed under {@code CI=true}.
 */
@Timeout(60)
class PythonWebsocketsConnInteropTest {
    private static final String PYTHON = "/usr/bin/python3";

    private static void requirePython() throws Exception {
        boolean ok;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import websockets").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            ok = false;
        }
        if (!ok) {
            throw MissingPeer.fail("python3 with the websockets library (Debian python3-websockets) is not installed");
        }
    }

    private static Path script(String name) throws IOException {
        Path p = Files.createTempFile(name, ".py");
        try (InputStream s = PythonWebsocketsConnInteropTest.class.getResourceAsStream("/interop/" + name)) {
            Files.write(p, s.readAllBytes());
        }
        p.toFile().deleteOnExit();
        return p;
    }

    @Test
    void ourClientTalksToAPythonServer() throws Exception {
        requirePython();
        Process server = new ProcessBuilder(PYTHON, script("echo_server.py").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        // Python's server limits its window to 12 bits: our 15-bit inflater reads that.
        ManualHandshake.converseWithEchoServer(server, ext -> assertThat(ext).singleElement().asString()
                .startsWith("permessage-deflate").contains("server_max_window_bits=12"), 6);
    }

    @Test
    void pythonClientTalksToOurServer() throws Exception {
        requirePython();
        for (PerMessageDeflateConfig config : List.of(PerMessageDeflateConfig.ENABLED,
                PerMessageDeflateConfig.ENABLED.withServerNoContextTakeover(true).withClientNoContextTakeover(true))) {
            try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> ManualHandshake.serveEcho(ss, config));
                Process client = new ProcessBuilder(PYTHON, script("echo_client.py").toString(),
                        "ws://127.0.0.1:" + ss.getLocalPort() + "/", "60").redirectError(ProcessBuilder.Redirect.INHERIT).start();
                String output = new String(client.getInputStream().readAllBytes(), UTF_8);
                assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
                JsonNode result = new ObjectMapper().readTree(output);
                assertThat(result.get("ok").asBoolean()).as(output).isTrue();
                assertThat(result.get("extensions").asText()).startsWith("permessage-deflate");
                assertThat(served.get(30, TimeUnit.SECONDS)).isEqualTo(result.get("extensions").asText());
            }
        }
    }
}
