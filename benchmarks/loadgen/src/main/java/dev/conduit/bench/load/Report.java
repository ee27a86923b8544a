package dev.conduit.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Turns the results (load JSON Lines and JMH JSON files) into Markdown tables, the target verdicts
 * and one PNG of bar charts. Verdicts are computed, never written by hand: a target is met when the
 * measured ratio reaches it.
 */
final class Report {
    /** Server labels in table order; "ours" is measured on Java 25 (virtual threads) for the targets. */
    static final String OURS = "conduit-25";
    private static final String WARM_IDLE = "idle-warm-";
    static final List<String> SERVERS = List.of("conduit-25", "conduit-17", "spring", "netty", "gorilla", "floor-vt-25");

    private final Path results;
    private final Path jmhDir;
    private final Path chart;
    private final Path markdown;
    private final Path splice;
    private final Map<String, Map<String, JsonNode>> load = new LinkedHashMap<>();

    Report(Path results, Path jmhDir, Path chart, Path markdown, Path splice) {
        this.results = results;
        this.jmhDir = jmhDir;
        this.chart = chart;
        this.markdown = markdown;
        this.splice = splice;
    }

    /**
     * Repeated measurements of one server and scenario (run.sh repeats the echo loads) are
     * reported as the median of each figure, taken separately, so that one disturbed period does
     * not decide a ratio; a single measurement is reported as it is.
     */
    static JsonNode median(List<JsonNode> runs) {
        if (runs.size() == 1) {
            return runs.get(0);
        }
        ObjectNode merged = runs.get(0).deepCopy();
        runs.get(0).fieldNames().forEachRemaining(field -> {
            if (runs.stream().allMatch(r -> r.path(field).isNumber())) {
                double[] values = runs.stream().mapToDouble(r -> r.get(field).asDouble()).sorted().toArray();
                int mid = values.length / 2;
                double median = values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
                if (runs.get(0).get(field).isIntegralNumber()) {
                    merged.put(field, Math.round(median));
                } else {
                    merged.put(field, median);
                }
            }
        });
        merged.put("repeats", runs.size());
        return merged;
    }

    void write() throws IOException {
        if (Files.exists(results)) {
            Map<String, Map<String, List<JsonNode>>> repeats = new LinkedHashMap<>();
            for (String line : Files.readAllLines(results)) {
                if (!line.isBlank()) {
                    JsonNode n = Results.JSON.readTree(line);
                    repeats.computeIfAbsent(n.get("server").asText(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(n.get("scenario").asText(), k -> new ArrayList<>()).add(n);
                }
            }
            repeats.forEach((server, scenarios) -> scenarios.forEach((scenario, runs) ->
                    load.computeIfAbsent(server, k -> new LinkedHashMap<>()).put(scenario, median(runs))));
        }
        StringBuilder md = new StringBuilder();
        loadTable(md);
        targets(md);
        Map<String, List<JsonNode>> jmh = readJmh();
        jmhTables(md, jmh);
        Files.writeString(markdown, md.toString(), StandardCharsets.UTF_8);
        renderChart(jmh);
        if (splice != null) {
            String doc = Files.readString(splice);
            String start = "<!-- results:start -->";
            String end = "<!-- results:end -->";
            int a = doc.indexOf(start);
            int b = doc.indexOf(end);
            if (a < 0 || b < a) {
                throw new IOException(splice + " has no " + start + " ... " + end + " section");
            }
            Files.writeString(splice, doc.substring(0, a + start.length()) + "\n" + md + doc.substring(b));
        }
        System.out.println(md);
    }

    private List<String> servers() {
        List<String> s = new ArrayList<>();
        for (String name : SERVERS) {
            if (load.containsKey(name)) {
                s.add(name);
            }
        }
        return s;
    }

    private double value(String server, String scenario, String field) {
        JsonNode n = load.getOrDefault(server, Map.of()).get(scenario);
        return n == null || !n.has(field) ? Double.NaN : n.get(field).asDouble();
    }

    private void loadTable(StringBuilder md) {
        List<String> servers = servers();
        if (servers.isEmpty()) {
            return;
        }
        md.append("### Load (loopback, load generator on the same 2 cores)\n\n| metric |");
        servers.forEach(s -> md.append(' ').append(s).append(" |"));
        md.append("\n|---|");
        servers.forEach(s -> md.append("---:|"));
        md.append('\n');
        String e64 = "echo-text-64";
        String e16 = "echo-binary-16384";
        row(md, servers, "echo 64 B text, 64 conns: round trips/s", e64, "messagesPerSecond", "%,.0f");
        row(md, servers, "echo 64 B: round trips per server CPU-second", e64, "messagesPerServerCpuSecond", "%,.0f");
        row(md, servers, "echo 64 B: server CPU µs per round trip", e64, "serverCpuMicrosPerMessage", "%.2f");
        row(md, servers, "echo 64 B: p50 round trip (µs)", e64, "p50us", "%,.0f");
        row(md, servers, "echo 64 B: p99 round trip (µs)", e64, "p99us", "%,.0f");
        row(md, servers, "echo 16 KiB binary, 16 conns: round trips/s", e16, "messagesPerSecond", "%,.0f");
        row(md, servers, "echo 16 KiB: payload MB/s (one way)", e16, "payloadMBps", "%,.1f");
        row(md, servers, "echo 16 KiB: server CPU µs per round trip", e16, "serverCpuMicrosPerMessage", "%.2f");
        row(md, servers, "echo 16 KiB: p50 round trip (µs)", e16, "p50us", "%,.0f");
        row(md, servers, "echo 16 KiB: p99 round trip (µs)", e16, "p99us", "%,.0f");
        row(md, servers, "broadcast 1,000 × 100: deliveries/s", "broadcast", "deliveriesPerSecond", "%,.0f");
        row(md, servers, "broadcast: last receiver complete (s)", "broadcast", "lastReceiverSeconds", "%.3f");
        row(md, servers, "broadcast: server CPU µs per delivery", "broadcast", "serverCpuMicrosPerDelivery", "%.2f");
        for (String idle : idleScenarios()) {
            String n = idleName(idle);
            row(md, servers, n + ": heap bytes per connection", idle, "heapBytesPerConnection", "%,.0f");
            row(md, servers, n + ": RSS bytes per connection", idle, "rssBytesPerConnection", "%,.0f");
        }
        md.append('\n');
    }

    /** The idle scenarios by count: those of a fresh server ({@code idle-N}) first, then those after a warm-up ({@code idle-warm-N}). */
    private List<String> idleScenarios() {
        return load.values().stream().flatMap(m -> m.keySet().stream()).filter(k -> k.startsWith("idle-")).distinct()
                .sorted(Comparator.comparing((String k) -> k.startsWith(WARM_IDLE))
                        .thenComparingInt(k -> Integer.parseInt(k.substring(k.lastIndexOf('-') + 1))))
                .toList();
    }

    /** The last idle scenario of a fresh server ({@code warm} false) or after a warm-up, or null. */
    private String lastIdle(boolean warm) {
        String last = null;
        for (String s : idleScenarios()) {
            if (s.startsWith(WARM_IDLE) == warm) {
                last = s;
            }
        }
        return last;
    }

    private static String idleName(String scenario) {
        return scenario.startsWith(WARM_IDLE)
                ? "idle " + scenario.substring(WARM_IDLE.length()) + " after warm-up"
                : "idle " + scenario.substring("idle-".length()) + " (fresh JVM)";
    }

    private void row(StringBuilder md, List<String> servers, String label, String scenario, String field, String fmt) {
        md.append("| ").append(label).append(" |");
        for (String s : servers) {
            double v = value(s, scenario, field);
            md.append(' ').append(Double.isNaN(v) ? "–" : String.format(Locale.ROOT, fmt, v)).append(" |");
        }
        md.append('\n');
    }

    private void targets(StringBuilder md) {
        if (!load.containsKey(OURS)) {
            return;
        }
        // run.sh judges the targets on the neutral (Go) generator's figures too, in their own table.
        md.append("### Targets on our generator (ours = ").append(OURS)
                .append("; the conduit-17 column is for information)\n\n")
                .append("| target | ours | peer | ratio | needed | met? | conduit-17 ratio |\n|---|---:|---:|---:|---:|---|---:|\n");
        String lastIdle = lastIdle(false) == null ? "idle-10000" : lastIdle(false);
        target(md, "echo 64 B msgs per server CPU-s vs Spring", "echo-text-64", "messagesPerServerCpuSecond", "spring", 1.5, false);
        target(md, "echo 64 B msgs per server CPU-s vs Netty", "echo-text-64", "messagesPerServerCpuSecond", "netty", 1.0, false);
        target(md, "echo 16 KiB MB/s vs Netty", "echo-binary-16384", "payloadMBps", "netty", 1.0, false);
        target(md, "broadcast deliveries/s vs Spring", "broadcast", "deliveriesPerSecond", "spring", 2.0, false);
        target(md, "broadcast deliveries/s vs Netty", "broadcast", "deliveriesPerSecond", "netty", 1.0, false);
        // Lower is better: ours / Spring's must be at most 1/4.
        target(md, "idle heap bytes/conn (" + lastIdle + ") ≤ ¼ of Spring", lastIdle, "heapBytesPerConnection", "spring", 0.25, true);
        target(md, "idle RSS bytes/conn (" + lastIdle + ") ≤ ¼ of Spring", lastIdle, "rssBytesPerConnection", "spring", 0.25, true);
        for (String idle : new String[] {lastIdle, lastIdle(true)}) {
            if (idle != null) {
                limit(md, idleName(idle) + ": heap bytes/conn ≤ 6,000", idle, "heapBytesPerConnection", 6000);
                limit(md, idleName(idle) + ": RSS bytes/conn ≤ 8,000", idle, "rssBytesPerConnection", 8000);
            }
        }
        md.append('\n');
    }

    private void target(StringBuilder md, String label, String scenario, String field, String peer, double needed,
                        boolean lowerIsBetter) {
        double ours = value(OURS, scenario, field);
        double theirs = value(peer, scenario, field);
        double ratio = ours / theirs;
        double ratio17 = value("conduit-17", scenario, field) / theirs;
        String verdict = Double.isNaN(ratio) ? "not measured"
                : (lowerIsBetter ? ratio <= needed : ratio >= needed) ? "**met**" : "**not met**";
        md.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %.2f | %s%.2f | %s | %.2f |%n", label, ours, theirs,
                ratio, lowerIsBetter ? "≤ " : "≥ ", needed, verdict, ratio17));
    }

    /** A target that is a bound on our figure alone (lower is better). */
    private void limit(StringBuilder md, String label, String scenario, String field, double bound) {
        double ours = value(OURS, scenario, field);
        String verdict = Double.isNaN(ours) ? "not measured" : ours <= bound ? "**met**" : "**not met**";
        md.append(String.format(Locale.ROOT, "| %s | %,.0f | – | – | ≤ %,.0f | %s | – |%n", label, ours, bound, verdict));
    }

    private Map<String, List<JsonNode>> readJmh() throws IOException {
        Map<String, List<JsonNode>> byJdk = new TreeMap<>();
        if (!Files.isDirectory(jmhDir)) {
            return byJdk;
        }
        try (var files = Files.list(jmhDir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("jmh-.*\\.json")).sorted().toList()) {
                List<JsonNode> rows = new ArrayList<>();
                Results.JSON.readTree(f.toFile()).forEach(rows::add);
                if (!rows.isEmpty()) {
                    byJdk.put("Java " + rows.get(0).get("jdkVersion").asText(), rows);
                }
            }
        }
        return byJdk;
    }

    private static String shortName(JsonNode row) {
        String b = row.get("benchmark").asText();
        return b.substring(b.lastIndexOf('.', b.lastIndexOf('.') - 1) + 1);
    }

    private static double gbps(JsonNode row, String sizeParam) {
        return row.get("primaryMetric").get("score").asDouble() * row.get("params").get(sizeParam).asDouble() / 1e9;
    }

    private void jmhTables(StringBuilder md, Map<String, List<JsonNode>> jmh) {
        for (Map.Entry<String, List<JsonNode>> e : jmh.entrySet()) {
            md.append("### JMH on ").append(e.getKey()).append("\n\n")
                    .append("| benchmark | params | score | unit | GB/s |\n|---|---|---:|---|---:|\n");
            for (JsonNode row : e.getValue()) {
                String name = shortName(row);
                JsonNode params = row.get("params");
                String gb = "";
                if (name.startsWith("MaskingBenchmark") || name.startsWith("Utf8Benchmark")
                        || name.startsWith("CompressionBenchmark")) {
                    gb = String.format(Locale.ROOT, "%.2f", gbps(row, "size"));
                }
                JsonNode pm = row.get("primaryMetric");
                md.append(String.format(Locale.ROOT, "| %s | %s | %,.2f ± %,.2f | %s | %s |%n", name,
                        params == null ? "" : params.toString().replaceAll("[{}\"]", ""), pm.get("score").asDouble(),
                        pm.get("scoreError").asDouble(), pm.get("scoreUnit").asText(), gb));
            }
            double mask1m = e.getValue().stream()
                    .filter(r -> shortName(r).equals("MaskingBenchmark.conduit") && r.get("params").get("size").asInt() == 1 << 20)
                    .mapToDouble(r -> gbps(r, "size")).findFirst().orElse(Double.NaN);
            md.append(String.format(Locale.ROOT, "%nMasking target (≥ 4 GB/s on 1 MiB) on %s: %.2f GB/s, %s.%n%n", e.getKey(),
                    mask1m, Double.isNaN(mask1m) ? "not measured" : mask1m >= 4 ? "**met**" : "**not met**"));
        }
    }

    private void renderChart(Map<String, List<JsonNode>> jmh) throws IOException {
        List<String> servers = servers();
        List<BufferedImage> panels = new ArrayList<>();
        if (!servers.isEmpty()) {
            panels.add(bars("Echo 64 B: round trips per server CPU-second (higher is better)", servers,
                    s -> value(s, "echo-text-64", "messagesPerServerCpuSecond")));
            panels.add(bars("Echo 16 KiB: payload MB/s (higher is better)", servers,
                    s -> value(s, "echo-binary-16384", "payloadMBps")));
            panels.add(bars("Echo 64 B: p99 round trip, µs (lower is better)", servers,
                    s -> value(s, "echo-text-64", "p99us")));
            panels.add(bars("Broadcast 1,000 × 100: deliveries/s (higher is better)", servers,
                    s -> value(s, "broadcast", "deliveriesPerSecond")));
            List<String> idle = idleScenarios();
            if (!idle.isEmpty()) {
                String last = idle.get(idle.size() - 1);
                String name = Character.toUpperCase(idleName(last).charAt(0)) + idleName(last).substring(1);
                panels.add(bars(name + ": heap bytes per connection (lower is better)", servers,
                        s -> value(s, last, "heapBytesPerConnection")));
                panels.add(bars(name + ": RSS bytes per connection (lower is better)", servers,
                        s -> value(s, last, "rssBytesPerConnection")));
            }
        }
        if (!jmh.isEmpty()) {
            panels.add(masking(jmh));
        }
        if (panels.isEmpty()) {
            return;
        }
        int cols = 2;
        int w = 700;
        int h = 420;
        int rows = (panels.size() + cols - 1) / cols;
        BufferedImage all = new BufferedImage(cols * w, rows * h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, all.getWidth(), all.getHeight());
        for (int i = 0; i < panels.size(); i++) {
            g.drawImage(panels.get(i), (i % cols) * w, (i / cols) * h, null);
        }
        g.dispose();
        ImageIO.write(all, "png", chart.toFile());
    }

    private static BufferedImage bars(String title, List<String> servers, ToDoubleFunction<String> metric) {
        CategoryChart c = new CategoryChartBuilder().width(700).height(420).title(title).build();
        c.getStyler().setLegendVisible(false);
        c.getStyler().setLabelsVisible(true);
        c.getStyler().setYAxisDecimalPattern("#,##0"); // whole numbers on the bars and the axis, not 1.6E5 or 16,932.9664
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        List<String> names = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (String s : servers) {
            double v = metric.applyAsDouble(s);
            names.add(s);
            values.add(Double.isNaN(v) ? 0.0 : v);
        }
        c.addSeries(title, names, values);
        return BitmapEncoder.getBufferedImage(c);
    }

    private static BufferedImage masking(Map<String, List<JsonNode>> jmh) {
        XYChart c = new XYChartBuilder().width(700).height(420).title("Masking GB/s by payload size (JMH)")
                .xAxisTitle("payload bytes (log)").yAxisTitle("GB/s").build();
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        for (Map.Entry<String, List<JsonNode>> e : jmh.entrySet()) {
            for (String impl : List.of("conduit", "naiveByteLoop")) {
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                for (JsonNode r : e.getValue()) {
                    if (shortName(r).equals("MaskingBenchmark." + impl)) {
                        x.add(r.get("params").get("size").asDouble());
                        y.add(gbps(r, "size"));
                    }
                }
                if (!x.isEmpty()) {
                    c.addSeries(impl + " (" + e.getKey() + ")", x, y);
                }
            }
        }
        return BitmapEncoder.getBufferedImage(c);
    }
}
