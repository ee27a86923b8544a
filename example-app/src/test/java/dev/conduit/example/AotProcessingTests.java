package dev.conduit.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplicationAotProcessor;
import org.springframework.context.aot.AbstractAotProcessor;

/**
 * The example app passes Spring's AOT processing (what a native build or {@code -Dspring.aot.enabled}
 * starts from), and the reflection metadata it writes lets every endpoint's handler be invoked.
 */
@DisabledIfSystemProperty(named = "spring.aot.enabled", matches = "true",
        disabledReason = "it runs the AOT processing itself, which spring.aot.enabled forbids")
class AotProcessingTests {

    @Test
    void aotProcessingWritesInvocationMetadataForEveryEndpoint(@TempDir Path out) throws Exception {
        AbstractAotProcessor.Settings settings = AbstractAotProcessor.Settings.builder()
                .sourceOutput(out.resolve("sources")).resourceOutput(out.resolve("resources")).classOutput(out.resolve("classes"))
                .groupId("dev.conduit").artifactId("conduit-example-app").build();
        new SpringApplicationAotProcessor(ExampleApplication.class, settings, new String[0]).process();

        List<JsonNode> types = new ArrayList<>();
        try (Stream<Path> files = Files.walk(out.resolve("resources"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                collectTypes(new ObjectMapper().readTree(file.toFile()), types);
            }
        }
        assertThat(invokedMethods(types, "dev.conduit.example.EchoEndpoint")).contains("echo");
        assertThat(invokedMethods(types, "dev.conduit.example.ChatEndpoint")).isNotEmpty();
        assertThat(invokedMethods(types, "dev.conduit.example.JsonEndpoint")).isNotEmpty();
    }

    // reflect-config.json (Spring 6) lists {"name": type, "methods": [...]}, reachability-metadata.json (Spring 7) {"type": ...}.
    private static void collectTypes(JsonNode node, List<JsonNode> types) {
        if (node.isObject() && node.has("methods") && (node.has("name") || node.has("type"))) {
            types.add(node);
        }
        node.forEach(child -> collectTypes(child, types));
    }

    private static List<String> invokedMethods(List<JsonNode> types, String type) {
        List<String> methods = new ArrayList<>();
        for (JsonNode t : types) {
            JsonNode name = t.has("name") ? t.get("name") : t.get("type");
            if (name.isTextual() && name.asText().equals(type)) {
                t.get("methods").forEach(m -> methods.add(m.path("name").asText()));
            }
        }
        return methods;
    }
}
