package dev.elephant.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** docs/TOPICS.md, rendered from the schemas and from the examples a real run wrote (docs/examples/). */
final class TopicsPage {

    private TopicsPage() {}

    static String render(Path examples) throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("""
                # Topics: Elephant's published contract

                Rendered from `schemas/` (one JSON Schema, draft 2020-12, per topic's values) by `TopicsPageTest`;
                do not edit by hand: change a schema, then `mvn -pl events test -Dtest=TopicsPageTest
                -Delephant.writeDocs=true`. Topic names carry the deployment's prefix (`topics.prefix`, default
                `elephant.`). Values are UTF-8 JSON; a field that has no value is left out, never `null`. Every value
                carries `schemaVersion`; a schema changes only compatibly (a field may be added as optional) unless
                that number is raised, and then this page says how to migrate (`schemas/README.md`).

                Elephant writes its topics with exactly-once transactions: read them with
                `isolation.level=read_committed`, or you will see records of aborted transactions. Within a key,
                records keep their order; across keys nothing is promised.

                ## Following `meeting-ready`

                A consumer to copy is `examples/meeting-ready-consumer` (plain Kafka consumer, `read_committed`,
                deduplicating on the meeting id and `causeId`, printing each meeting's links). Against
                `./elephant dev`:

                ```bash
                examples/meeting-ready-consumer/run                     # bootstrap 127.0.0.1:9092, topic elephant.meeting-ready
                ```

                With `kcat` instead (`-X isolation.level=read_committed` since Elephant writes transactionally):

                ```bash
                kcat -C -b 127.0.0.1:9092 -t elephant.meeting-ready -X isolation.level=read_committed \\
                  -f 'key=%k headers=%h value=%s\\n' -Z       # -Z: a tombstone prints as NULL (the meeting ended)
                ```

                """);
        for (String topic : TopicSchemas.TOPICS) {
            JsonNode schema = TopicSchemas.document(topic);
            JsonNode kafka = schema.path("x-kafka");
            out.append("## `").append(topic).append("`\n\n").append(schema.path("description").asText()).append("\n\n");
            out.append("| | |\n|---|---|\n");
            row(out, "key", kafka.path("key").asText());
            row(out, "tombstone (null value)", kafka.path("tombstone").asText());
            StringBuilder headers = new StringBuilder();
            for (Iterator<Map.Entry<String, JsonNode>> it = kafka.path("headers").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> h = it.next();
                headers.append(headers.isEmpty() ? "" : "; ").append('`').append(h.getKey()).append("`: ")
                        .append(h.getValue().asText());
            }
            row(out, "headers", headers.isEmpty() ? "none" : headers.toString());
            row(out, "ordering", kafka.path("ordering").asText());
            row(out, "cleanup policy", "`" + kafka.path("cleanupPolicy").asText() + "`");
            row(out, "retention", kafka.path("retention").asText());
            row(out, "written by", kafka.path("writtenBy").asText());
            row(out, "read by", kafka.path("readBy").asText());
            row(out, "schema", "[`schemas/" + topic + ".schema.json`](../schemas/" + topic + ".schema.json)");
            out.append("\n| field | type | required | meaning |\n|---|---|---|---|\n");
            Set<String> required = new HashSet<>();
            schema.path("required").forEach(r -> required.add(r.asText()));
            schema.path("then").path("required").forEach(r -> required.add(r.asText() + " (scheduled)"));
            for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                String name = f.getKey();
                String req = required.contains(name) ? "yes" : required.contains(name + " (scheduled)")
                        ? "when scheduled" : "no";
                out.append("| `").append(name).append("` | ").append(type(f.getValue())).append(" | ").append(req)
                        .append(" | ").append(f.getValue().path("description").asText("")).append(" |\n");
            }
            Path example = examples.resolve(topic + ".json");
            if (Files.exists(example)) {
                out.append("\nFrom a real run (`docs/examples/").append(topic).append(".json`, written by ")
                        .append("`WalkingSkeletonTest` with `-Delephant.writeExamples=true`):\n\n```json\n")
                        .append(Files.readString(example).strip()).append("\n```\n");
            }
            out.append('\n');
        }
        return out.toString().strip() + "\n";
    }

    private static void row(StringBuilder out, String what, String value) {
        out.append("| ").append(what).append(" | ").append(value.replace("|", "\\|")).append(" |\n");
    }

    private static String type(JsonNode field) {
        if (field.has("const")) {
            return "`" + field.get("const") + "`";
        }
        if (field.has("enum")) {
            StringBuilder out = new StringBuilder();
            field.get("enum").forEach(e -> out.append(out.isEmpty() ? "" : ", ").append('`').append(e.asText())
                    .append('`'));
            return "one of " + out;
        }
        String type = field.path("type").asText("any");
        if (field.has("format")) {
            type += " (" + field.get("format").asText() + ")";
        }
        if (type.equals("object") && field.has("additionalProperties")) {
            type = "object of " + field.get("additionalProperties").path("type").asText();
        }
        if (type.equals("array") && field.has("items")) {
            type = "array of " + field.get("items").path("type").asText();
        }
        return type;
    }
}
