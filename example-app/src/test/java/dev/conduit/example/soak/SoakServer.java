package dev.conduit.example.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.example.ExampleApplication;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The example app in its own JVM, on a JDK chosen by the test: the load client (this JVM) and the
 * server cannot share one process, since each holds one descriptor per connection and
 * {@code ulimit -n} is 20,000. It runs from {@code target/classes} and the runtime dependencies
 * (the soak profile writes that class path) with {@code soak/server.properties} as its only
 * configuration: the starter's and Boot's defaults, plus virtual threads. Its output goes to
 * {@code target/soak/NAME-server.log}. {@link #close()} kills it.
 */
final class SoakServer implements AutoCloseable {
    private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total[^\\n]*?used (\\d+)K");

    private final Jdk jdk;
    private final Process process;
    private final Path log;
    private final int port;
    private final Thread reaper;

    private SoakServer(Jdk jdk, Process process, Path log, int port, Thread reaper) {
        this.jdk = jdk;
        this.process = process;
        this.log = log;
        this.port = port;
        this.reaper = reaper;
    }

    /**
     * Starts the server and waits until the application has started.
     *
     * @param jdk the JDK to run it on
     * @param name names the log file
     * @param extraArgs more {@code --property=value} arguments
     * @return the running server
     */
    static SoakServer start(Jdk jdk, String name, String... extraArgs) throws Exception {
        Path logs = Path.of(required("conduit.soak.logs"));
        Files.createDirectories(logs);
        Path log = logs.resolve(name + "-server.log");
        List<String> command = new ArrayList<>(List.of(jdk.java().toString(),
                "-XX:+UseG1GC", "-Xms256m", "-Xmx1g",
                "-cp", serverClassPath(), ExampleApplication.class.getName(),
                "--spring.config.location=file:" + configFile(),
                "--server.address=127.0.0.1", "--server.port=0"));
        command.addAll(List.of(extraArgs));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        // If surefire's fork timeout stops this JVM, the server must not outlive it.
        Thread reaper = new Thread(process::destroyForcibly, "soak-server-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            int port = awaitPort(process, log);
            return new SoakServer(jdk, process, log, port, reaper);
        } catch (Throwable e) {
            process.destroyForcibly();
            throw e;
        }
    }

    URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** @return what the process holds now, its heap measured right after a full GC */
    ResourceUse use() throws IOException, InterruptedException {
        return new ResourceUse(threads(), fds(), heapAfterGc());
    }

    /**
     * Polls (every second, at most {@code seconds}) until the server's use is back within the
     * tolerance of the baseline; returns the last measurement either way, so the caller asserts it.
     */
    ResourceUse awaitBaseline(ResourceUse baseline, ResourceUse tolerance, int seconds)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            // Threads and descriptors are cheap to read; the GC only once they are back.
            if (threads() <= baseline.threads() + tolerance.threads() && fds() <= baseline.fds() + tolerance.fds()) {
                ResourceUse now = use();
                if (now.within(baseline, tolerance) || System.nanoTime() > end) {
                    return now;
                }
            } else if (System.nanoTime() > end) {
                return use();
            }
            Thread.sleep(1000);
        }
    }

    int threads() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
            if (line.startsWith("Threads:")) {
                return Integer.parseInt(line.substring("Threads:".length()).trim());
            }
        }
        throw new IllegalStateException("no Threads: line for " + pid());
    }

    int fds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid() + "/fd"))) {
            return (int) fds.count();
        }
    }

    /** Runs a full GC in the server ({@code System.gc()} via jcmd), then reads the heap in use. */
    long heapAfterGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        assertThat(m.find()).as("jcmd GC.heap_info output: %s", info).isTrue();
        return Long.parseLong(m.group(1)) * 1024;
    }

    /** Thread dump of the server (jcmd Thread.print), for counting threads inside a handler. */
    String threadDump() throws IOException, InterruptedException {
        return jcmd("Thread.print");
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(jdk.jcmd().toString(), Long.toString(pid()), command)
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("jcmd " + command + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Sends SIGTERM, as a container orchestrator stopping the app does; {@link #close()} still reaps it. */
    void terminate() {
        process.destroy();
    }

    /** @return whether the process has exited within {@code seconds} */
    boolean awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
        Runtime.getRuntime().removeShutdownHook(reaper);
    }

    private static int awaitPort(Process process, Path log) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < end) {
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            Matcher m = PORT.matcher(text);
            // Wait for the whole application, not just Tomcat: the starter's limits line comes in between.
            if (text.contains("Started ExampleApplication") && m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + ":\n" + text);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the server did not start within 120 s; see " + log);
    }

    private static String serverClassPath() throws IOException {
        String deps = Files.readString(Path.of(required("conduit.soak.classpathFile"))).trim();
        return required("conduit.soak.classes") + File.pathSeparator + deps;
    }

    private static Path configFile() throws URISyntaxException {
        return Path.of(SoakServer.class.getResource("/soak/server.properties").toURI());
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(property + " is not set: run the *Soak tests with -Psoak (docs/load-and-soak.md)");
        }
        return value;
    }
}
