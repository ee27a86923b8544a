package dev.conduit.websocket.spring.hub.redis;

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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A real {@code redis-server} (Debian package {@code redis-server}) on a free 127.0.0.1 port for
 * tests, optionally with append-only persistence in a temporary directory (so that a kill and a
 * restart keep the data), and {@code redis-cli} to write to it as an outsider would. Missing binary:
 * the test is skipped locally and fails when {@code CI=true}.
 */
final class RedisServer implements AutoCloseable {
    private final String binary;
    private final int port;
    private final Path dir;
    private final boolean appendOnly;
    private Process process;

    private RedisServer(String binary, int port, Path dir, boolean appendOnly) {
        this.binary = binary;
        this.port = port;
        this.dir = dir;
        this.appendOnly = appendOnly;
    }

    /** @return a started server without persistence */
    static RedisServer start() throws Exception {
        return start(false);
    }

    /** @param appendOnly whether to persist every write (appendonly yes) so that a restart keeps the data */
    static RedisServer start(boolean appendOnly) throws Exception {
        String binary = find("redis-server");
        if (binary == null || find("redis-cli") == null) {
            String why = "redis-server or redis-cli is not installed (Debian package redis-server)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(why + "; .ci/run installs it");
            }
            Assumptions.abort(why);
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        RedisServer server = new RedisServer(binary, port, Files.createTempDirectory("redis-server"), appendOnly);
        server.startProcess();
        return server;
    }

    private static String find(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, name);
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        File debian = new File("/usr/bin/" + name);
        return debian.canExecute() ? debian.getPath() : null;
    }

    int port() {
        return port;
    }

    /** @return a started Lettuce connection factory for this server (the caller destroys it) */
    LettuceConnectionFactory connectionFactory() {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port),
                LettuceClientConfiguration.builder().commandTimeout(java.time.Duration.ofSeconds(3)).build());
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    /** Starts the process and waits until it answers PING. */
    void startProcess() throws Exception {
        List<String> command = new ArrayList<>(List.of(binary, "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--daemonize", "no", "--enable-debug-command", "local"));
        command.addAll(appendOnly ? List.of("--appendonly", "yes", "--appendfsync", "always") : List.of("--appendonly", "no"));
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!ping()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("redis.log")));
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

    /**
     * Runs {@code redis-cli} against this server.
     *
     * @param lastArgument bytes given as the command's last argument (redis-cli -x reads it from standard input), or null
     * @param args the command and its other arguments
     * @return what redis-cli printed
     */
    String cli(byte[] lastArgument, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(find("redis-cli"), "-h", "127.0.0.1", "-p", String.valueOf(port)));
        if (lastArgument != null) {
            command.add("-x");
        }
        command.addAll(List.of(args));
        Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = cli.getOutputStream()) {
            if (lastArgument != null) {
                in.write(lastArgument);
            }
        }
        String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!cli.waitFor(20, TimeUnit.SECONDS) || cli.exitValue() != 0) {
            throw new IllegalStateException("redis-cli " + args[0] + " failed: " + out);
        }
        return out.trim();
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
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
