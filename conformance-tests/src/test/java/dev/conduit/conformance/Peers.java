package dev.conduit.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the peers we did not write come from, and the rule for a missing one: under {@code CI=true}
 * the test fails (CI installs every peer, see {@code .ci/run}); elsewhere it is skipped with a message
 * saying what to install.
 */
final class Peers {
    static final Path MODULE = Path.of(System.getProperty("conformance.moduleDir", "."));
    static final Path BUILD = Path.of(System.getProperty("conformance.buildDir", "target"));
    static final Path NODE_DIR = MODULE.resolve("src/test/node");
    static final Path PYTHON_SCRIPT = MODULE.resolve("src/test/python/ws_peer.py");
    static final Path GO_DIR = MODULE.resolve("src/test/go");
    /** Debian's python3-websockets is installed for the system interpreter, not for other pythons on PATH. */
    static final String PYTHON = "/usr/bin/python3";
    static final Path GORILLA_SOURCE = Path.of("/usr/share/gocode/src/github.com/gorilla/websocket");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private Peers() {
    }

    /** CI=true in the environment, or -Dconformance.requirePeers=true, makes a missing peer a failure. */
    static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI")) || Boolean.getBoolean("conformance.requirePeers");
    }

    /**
     * @param available whether the peer is there
     * @param what the peer
     * @param install how to get it
     */
    static void require(boolean available, String what, String install) {
        if (available) {
            return;
        }
        String message = what + " is missing; install it with: " + install;
        if (ci()) {
            fail(message + " (CI=true: a missing peer fails the run)");
        }
        Assumptions.abort(message + " (skipped because CI is not set)");
    }

    static void requirePython() {
        require(succeeds(List.of(PYTHON, "-c", "import websockets")), "Python websockets (" + PYTHON + ")",
                "apt-get install python3-websockets");
    }

    static void requireNodeModule(String module) {
        require(onPath("node") && Files.isDirectory(NODE_DIR.resolve("node_modules").resolve(module)),
                "node and the npm package " + module, "apt-get install nodejs npm; npm ci --prefix " + NODE_DIR);
    }

    static void requireGorilla() {
        require(onPath("go") && Files.isRegularFile(GORILLA_SOURCE.resolve("conn.go")), "Go and gorilla/websocket",
                "apt-get install golang-go golang-github-gorilla-websocket-dev");
    }

    static void requireChromium() {
        require(Files.isExecutable(CHROMIUM), "Debian's chromium", "apt-get install chromium");
        requireNodeModule("playwright-core");
    }

    static boolean onPath(String command) {
        return succeeds(List.of("sh", "-c", "command -v " + command));
    }

    private static boolean succeeds(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
