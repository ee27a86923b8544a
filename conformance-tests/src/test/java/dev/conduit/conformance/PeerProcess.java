package dev.conduit.conformance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A peer program (Python, Node, Go) run for one test: its stdout lines are collected as they come,
 * its stderr goes to a log under {@code target/interop/}, and closing it ends the process (and only it).
 */
final class PeerProcess implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final Path log;
    private final Thread reader;

    private PeerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The process ended.
            }
        }, "peer-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static PeerProcess start(String name, Path dir, Map<String, String> env, String... command) throws IOException {
        Path logDir = Peers.BUILD.resolve("interop");
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".stderr.log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectError(log.toFile());
        pb.environment().putAll(env);
        return new PeerProcess(pb.start(), log);
    }

    /** Waits for the line starting with {@code prefix} and returns the rest of it. */
    String awaitLine(String prefix, long timeoutSeconds) throws InterruptedException, IOException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            String line = lines.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IOException("no '" + prefix + "' line within " + timeoutSeconds + " s; output " + seen
                        + "; stderr: " + stderr());
            }
            seen.add(line);
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
        }
    }

    /** Waits for the process to end; returns its exit code and every stdout line. */
    Result await(long timeoutSeconds) throws InterruptedException, IOException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            throw new IOException("the peer did not finish within " + timeoutSeconds + " s; output " + seen + lines
                    + "; stderr: " + stderr());
        }
        // The reader thread may still be draining the pipe after the exit; the pipe ends with the process.
        reader.join(TimeUnit.SECONDS.toMillis(timeoutSeconds));
        lines.drainTo(seen);
        return new Result(process.exitValue(), List.copyOf(seen), stderr());
    }

    String stderr() throws IOException {
        String s = Files.exists(log) ? Files.readString(log) : "";
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How a client peer ended. */
    record Result(int exitCode, List<String> stdout, String stderr) {
    }
}
