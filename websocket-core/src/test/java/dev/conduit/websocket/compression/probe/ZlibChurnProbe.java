package dev.conduit.websocket.compression.probe;

import dev.conduit.websocket.compression.ConnCompression;
import dev.conduit.websocket.compression.PerMessageDeflateParams;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Not a unit test: a measurement. Opens and closes N connections' compression state (one message
 * each way, context takeover so each owns its own Deflater and Inflater) and prints the process's
 * resident memory, which is where zlib's native memory shows (the Java heap does not see it).
 * With {@code leak} it skips {@code close()}, to show that the measurement would catch a leak.
 *
 * <pre>java -cp target/classes:target/test-classes dev.conduit.websocket.compression.probe.ZlibChurnProbe 100000 [leak]</pre>
 */
public final class ZlibChurnProbe {
    private ZlibChurnProbe() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        boolean leak = args.length > 1 && args[1].equals("leak");
        byte[] m = "{\"user\":\"ann\",\"text\":\"hello, how are you today?\"}".repeat(20).getBytes(StandardCharsets.UTF_8);
        PerMessageDeflateParams p = PerMessageDeflateParams.of(false, false);
        long start = rssKib();
        for (int i = 1; i <= n; i++) {
            ConnCompression server = new ConnCompression(p, true);
            ConnCompression client = new ConnCompression(p, false);
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            client.deflater().write(m, 0, m.length, wire::write);
            client.deflater().finishMessage(wire::write);
            server.inflater().inflate(wire.toByteArray(), 0);
            server.inflater().inflate(server.deflater().compress(m, 0, m.length), 0);
            if (!leak) {
                server.close();
                client.close();
            }
            if (i % (n / 10) == 0) {
                System.out.printf("%d connections: RSS %d MiB (start %d MiB)%n", i, rssKib() / 1024, start / 1024);
            }
        }
    }

    private static long rssKib() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
