package dev.conduit.websocket.compression;

import dev.conduit.websocket.testing.MissingPeer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Python {@code websockets} library's permessage-deflate (negotiation and codec) in a child
 * process, driven line by line ({@code src/test/resources/interop/pmd_peer.py}). Missing Python or
 * library: the test is skipped, except under {@code CI=true}, where it fails.
 */
final class PythonWebsocketsPeer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final Writer in;
    private final BufferedReader out;

    private PythonWebsocketsPeer(Process process) {
        this.process = process;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static PythonWebsocketsPeer start() throws IOException {
        String python = findPython();
        Path script = Files.createTempFile("pmd_peer", ".py");
        try (InputStream s = PythonWebsocketsPeer.class.getResourceAsStream("/interop/pmd_peer.py")) {
            Files.write(script, s.readAllBytes());
        }
        script.toFile().deleteOnExit();
        Process p = new ProcessBuilder(python, script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new PythonWebsocketsPeer(p);
    }

    private static String findPython() {
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import websockets").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return candidate;
                }
            } catch (IOException e) {
                // try the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw MissingPeer.fail("python3 with the websockets library (Debian python3-websockets) is not installed");
    }

    /** Sends one command and returns the answer. */
    JsonNode call(Object... command) throws IOException {
        in.write(JSON.writeValueAsString(command));
        in.write('\n');
        in.flush();
        String line = out.readLine();
        if (line == null) {
            throw new IOException("python peer exited");
        }
        return JSON.readTree(line);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
