package dev.conduit.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** One JSON object per measurement, appended to the results file (JSON Lines). */
final class Results {
    static final ObjectMapper JSON = new ObjectMapper();

    private Results() {
    }

    static ObjectNode record(String server, String scenario) {
        ObjectNode n = JSON.createObjectNode();
        n.put("server", server);
        n.put("scenario", scenario);
        // Which load generator measured it: this one ("java") or the neutral one in benchmarks/go ("go").
        n.put("loadgen", "java");
        // The machine is shared: the 1-minute load average says how busy it was during the measurement.
        try {
            n.put("loadAverage", Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]));
        } catch (IOException | RuntimeException e) {
            n.putNull("loadAverage");
        }
        return n;
    }

    static void append(Path file, ObjectNode record) throws IOException {
        String line = JSON.writeValueAsString(record) + "\n";
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.print(line);
    }
}
