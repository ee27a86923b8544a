package dev.conduit.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts passed cases per side, agent and section, prints one line per section and keeps the table
 * under {@code target/conformance/} (docs/conformance.md's table is copied from it).
 */
final class Summary {
    private final String side;
    /** agent → section → {cases, passed}. */
    private final Map<String, Map<String, int[]>> counts = new TreeMap<>();

    Summary(String side) {
        this.side = side;
    }

    synchronized void record(String agent, String section, boolean passed) {
        int[] c = counts.computeIfAbsent(agent, a -> new TreeMap<>(Summary::bySection)).computeIfAbsent(section, s -> new int[2]);
        c[0]++;
        if (passed) {
            c[1]++;
        }
    }

    private static int bySection(String a, String b) {
        boolean na = a.chars().allMatch(Character::isDigit);
        boolean nb = b.chars().allMatch(Character::isDigit);
        if (na && nb) {
            return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
        }
        return na ? -1 : nb ? 1 : a.compareTo(b);
    }

    synchronized void print() throws IOException {
        List<String> lines = new ArrayList<>();
        counts.forEach((agent, sections) -> sections.forEach((section, c) -> lines.add(String.format(
                "conformance %s %-14s section %-2s %-22s %4d cases, %4d passed%s", side, agent, section,
                Cases.sectionName(section), c[0], c[1], c[0] == c[1] ? "" : "  <-- " + (c[0] - c[1]) + " FAILED"))));
        lines.forEach(System.out::println);
        Path dir = Path.of(System.getProperty("conformance.buildDir", "target"), "conformance");
        Files.createDirectories(dir);
        Files.write(dir.resolve("summary-" + side + ".txt"), lines);
        // The same counts as a Markdown table, all agents together, for docs/conformance.md.
        Map<String, int[]> bySection = new TreeMap<>(Summary::bySection);
        counts.values().forEach(sections -> sections.forEach((section, c) -> {
            int[] t = bySection.computeIfAbsent(section, k -> new int[2]);
            t[0] += c[0];
            t[1] += c[1];
        }));
        List<String> table = new ArrayList<>();
        table.add("| Section | " + side + ": cases run (" + String.join(", ", counts.keySet()) + ") | passed |");
        table.add("|---|---|---|");
        bySection.forEach((section, c) -> table.add("| " + section + " " + Cases.sectionName(section) + " | " + c[0] + " | " + c[1] + " |"));
        Files.write(dir.resolve("summary-" + side + ".md"), table);
    }
}
