package dev.elephant.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every topic's schema stays backward compatible with the one released under its schemaVersion: a field may be
 * added as optional, none removed, renamed, retyped or made required. A break needs a raised schemaVersion and a
 * migration note in docs/TOPICS.md.
 */
class SchemaCompatibilityTest {

    private static final Path SCHEMAS = Path.of("..", "schemas");
    private static final Path RELEASED = SCHEMAS.resolve("released");

    private static JsonNode read(Path file) throws IOException {
        return Json.mapper().readTree(file.toFile());
    }

    private static int schemaVersion(JsonNode schema) {
        return schema.path("properties").path("schemaVersion").path("const").asInt();
    }

    @Test
    void everyTopicsSchemaIsBackwardCompatibleWithTheOneReleasedUnderItsSchemaVersion() throws IOException {
        String topicsPage = Files.readString(Path.of("..", "docs", "TOPICS.md"));
        List<String> problems = new ArrayList<>();
        for (String topic : TopicSchemas.TOPICS) {
            JsonNode current = read(SCHEMAS.resolve(topic + ".schema.json"));
            int version = schemaVersion(current);
            Path released = RELEASED.resolve(String.valueOf(version)).resolve(topic + ".schema.json");
            if (Files.exists(released)) {
                SchemaCompatibility.problems(read(released), current).forEach(p -> problems.add(topic + ": " + p));
            } else {
                // A new schemaVersion: the break is allowed, and consumers are told how to move.
                String note = "Migrating " + topic + " to schemaVersion " + version;
                if (!topicsPage.contains(note)) {
                    problems.add(topic + ": schemaVersion " + version + " is not released and docs/TOPICS.md has no \""
                            + note + "\"");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyReleasedSchemaIsStillPublished() throws IOException {
        try (Stream<Path> versions = Files.list(RELEASED)) {
            for (Path version : versions.toList()) {
                for (String topic : TopicSchemas.TOPICS) {
                    assertThat(version.resolve(topic + ".schema.json")).as("released " + version.getFileName())
                            .exists();
                }
            }
        }
    }

    @Test
    void theCheckRefusesARemovedARetypedAndANewlyRequiredFieldAndAChangedEnum() throws IOException {
        JsonNode released = read(SCHEMAS.resolve("dns-mutations.schema.json"));
        ObjectNode changed = released.deepCopy();
        ObjectNode properties = (ObjectNode) changed.get("properties");
        properties.remove("previousContent");
        ((ObjectNode) properties.get("time")).put("type", "integer");
        ((ArrayNode) changed.get("required")).add("error");
        ((ArrayNode) properties.get("phase").get("enum")).add("in-sync");
        properties.putObject("attempt").put("type", "integer"); // added as optional: fine

        assertThat(SchemaCompatibility.problems(released, changed)).containsExactlyInAnyOrder(
                "phase: enum was [\"intent\",\"applied\",\"failed\",\"noop\",\"drift-repaired\",\"dry-run\"], is "
                        + "[\"intent\",\"applied\",\"failed\",\"noop\",\"drift-repaired\",\"dry-run\",\"in-sync\"]",
                "previousContent: removed (or renamed)",
                "time: type was \"string\", is \"integer\"",
                "the value: error became required");
    }
}
