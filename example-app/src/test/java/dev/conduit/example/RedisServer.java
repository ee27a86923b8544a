package dev.conduit.example;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} (Debian package {@code redis-server}) on a free 127.0.0.1 port, without
 * persistence, for tests. Missing binary: the test is skipped locally and fails when {@code CI=true}.
 */
final class RedisServer implements AutoCloseable {
    private final String binary;
    private final int port;
    private final Path log;
    private Process process;

    private RedisServer(String binary, int port, Path log) {
        this.binary = binary;
        this.port = port;
        this.log = log;
    }

    /** @return a started server */
    static RedisServer start() throws Exception {
        String binary = find();
        if (binary == null) {
            String why = "redis-server is not installed (Debian package redis-server)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(why + "; .ci/run installs it");
            }
            Assumptions.abort(why);
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        RedisServer server = new RedisServer(binary, port, Files.createTempFile("redis-server", ".log"));
        server.startProcess();
        return server;
    }

    private static String find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, "redis-server");
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        File debian = new File("/usr/bin/redis-server");
        return debian.canExecute() ? debian.getPath() : null;
    }

    int port() {
        return port;
    }

    /** Starts the process and waits until it answers PING. */
    void startProcess() throws Exception {
        process = new ProcessBuilder(List.of(binary, "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!ping()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server did not answer PING on port " + port);
            }
            Thread.sleep(50);
        }
    }

    /** Kills the process (no shutdown handshake: like a crash) and waits for it to end. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    private boolean ping() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            return "+PONG".equals(line);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws Exception {
        if (process != null) {
            kill();
        }
        Files.deleteIfExists(log);
    }
}
