package dev.conduit.bench.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The load generator. Usage (run.sh calls it):
 * <pre>
 * echo      --url ws://127.0.0.1:P/echo --pid PID --jcmd JCMD --label L --results F
 *           --connections 64 --size 64 --type text|binary --warmup 5 --seconds 10
 * broadcast --url ws://127.0.0.1:P/broadcast --pid PID --jcmd JCMD --label L --results F
 *           --receivers 1000 --messages 100 --size 64 --warmup-rounds 2 --rounds 3
 * idle      --url ws://127.0.0.1:P/echo --pid PID --jcmd JCMD --label L --results F --counts 5000,10000
 *           [--warmup-connections 20000] [--histograms DIR]
 * report    --results F --jmh-dir D --chart PNG --markdown MD [--splice BENCHMARKS.md]
 * </pre>
 */
public final class Main {
    static Path resultsFile;

    private Main() {
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0) {
            throw new IllegalArgumentException("usage: echo|broadcast|idle|report --name value ...");
        }
        Args a = new Args(argv, 1);
        resultsFile = Path.of(a.get("results"));
        if (argv[0].equals("report")) {
            new Report(resultsFile, Path.of(a.get("jmh-dir")), Path.of(a.get("chart")), Path.of(a.get("markdown")),
                    a.get("splice", null) == null ? null : Path.of(a.get("splice"))).write();
            return;
        }
        URI url = URI.create(a.get("url"));
        ServerProcess server = new ServerProcess(Long.parseLong(a.get("pid")), a.get("jcmd"));
        String label = a.get("label");
        switch (argv[0]) {
            case "echo" -> {
                ObjectNode r = new EchoLoad().run(url, a.integer("connections", 64), a.integer("size", 64),
                        a.get("type", "text").equals("text"), a.integer("warmup", 5), a.integer("seconds", 10),
                        server, label);
                Results.append(resultsFile, r);
            }
            case "broadcast" -> {
                ObjectNode r = new BroadcastLoad().run(url, a.integer("receivers", 1000), a.integer("messages", 100),
                        a.integer("size", 64), a.integer("warmup-rounds", 2), a.integer("rounds", 3), server, label);
                Results.append(resultsFile, r);
            }
            case "idle" -> {
                int[] counts = Arrays.stream(a.get("counts").split(",")).mapToInt(Integer::parseInt).toArray();
                String histograms = a.get("histograms", null);
                new IdleLoad().run(url, counts, a.integer("warmup-connections", 0), server, label,
                        histograms == null ? null : Path.of(histograms));
            }
            default -> throw new IllegalArgumentException("unknown command " + argv[0]);
        }
        // Connections closed, executors joined; exit without waiting for anything the Dialer may keep.
        System.exit(0);
    }
}
