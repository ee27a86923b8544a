package dev.conduit.conformance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Builds the gorilla/websocket peer (src/test/go) once per run, offline: GOPROXY=off and a
 * {@code replace} to Debian's gorilla source, so nothing is downloaded.
 */
final class GorillaPeer {
    private static Path binary;

    private GorillaPeer() {
    }

    static synchronized Path build() throws IOException, InterruptedException {
        Peers.requireGorilla();
        if (binary == null) {
            Path out = Peers.BUILD.resolve("interop/gorilla-peer").toAbsolutePath();
            try (PeerProcess go = PeerProcess.start("go-build", Peers.GO_DIR,
                    Map.of("GOPROXY", "off", "GOFLAGS", "-mod=mod", "GO111MODULE", "on"),
                    "go", "build", "-o", out.toString(), ".")) {
                PeerProcess.Result r = go.await(300);
                if (r.exitCode() != 0) {
                    throw new IOException("go build of the gorilla peer failed: " + r.stdout() + " " + r.stderr());
                }
            }
            binary = out;
        }
        return binary;
    }
}
