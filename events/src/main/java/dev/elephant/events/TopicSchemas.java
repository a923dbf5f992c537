package dev.elephant.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.ExecutionConfig;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.AnnotationKeyword;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The published contract of every topic: one JSON Schema (draft 2020-12) per topic's values, kept at the
 * repository's root in {@code schemas/} and packaged with this module. Elephant checks what it reads against it
 * (a record that does not match is dead-lettered, naming the field) and the test suites check everything
 * Elephant writes. Date-times are checked as RFC 3339, which format annotations alone would not do.
 */
public final class TopicSchemas {

    private static final String NOT_JSON = "the value is not JSON";

    /** The topics by the name after the prefix ({@code instance-events}, …), in the docs' order. */
    public static final List<String> TOPICS = List.of("instance-events", "meeting-events", "dns-desired",
            "dns-mutations", "meeting-ready", "dead-letter", "ticks", "machine-commands", "machine-actions",
            "certificates", "failover-names", "failover-checks");

    /** Read once: the documents as published, and the validators built from them. */
    private static final Map<String, JsonNode> DOCUMENTS = documents();
    private static final Map<String, Schema> SCHEMAS = validators();
    /** Built once, not per value: every value read is checked with it. */
    private static final ExecutionConfig FORMATS_ASSERTED = ExecutionConfig.builder().formatAssertionsEnabled(true).build();

    private TopicSchemas() {}

    /** The schema document of {@code topic}, as published. */
    public static JsonNode document(String topic) {
        JsonNode doc = DOCUMENTS.get(topic);
        if (doc == null) {
            throw new IllegalArgumentException("no schema for topic " + topic + "; known: " + TOPICS);
        }
        return doc;
    }

    /**
     * What is wrong with {@code value} as a value of {@code topic}, one line per problem naming the field in the
     * words the HTTP ingest uses ({@code startsAt is missing}, {@code time: …}); empty when it matches.
     */
    public static List<String> problems(String topic, JsonNode value) {
        Schema schema = SCHEMAS.get(topic);
        if (schema == null) {
            throw new IllegalArgumentException("no schema for topic " + topic + "; known: " + TOPICS);
        }
        List<Error> errors = schema.validate(value, context -> context.setExecutionConfig(FORMATS_ASSERTED));
        List<String> problems = new ArrayList<>(errors.size());
        for (Error e : errors) {
            problems.add(describe(e));
        }
        return problems;
    }

    /** The same for raw bytes: a value that is not JSON at all is one problem saying so. */
    public static List<String> problems(String topic, byte[] value) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(value);
        } catch (JsonProcessingException e) {
            return List.of(NOT_JSON + " (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            return List.of(NOT_JSON + " (" + e.getMessage() + ")");
        }
        if (node == null || node.isMissingNode()) {
            return List.of("the value is empty");
        }
        return problems(topic, node);
    }

    /**
     * The dead-letter reason for these problems, in the HTTP ingest's words: {@code malformed-json} when the value is
     * not JSON, {@code missing-field} when a field is missing, else {@code invalid-field}.
     */
    public static String reason(List<String> problems) {
        if (problems.stream().anyMatch(p -> p.startsWith(NOT_JSON))) {
            return "malformed-json";
        }
        return problems.stream().anyMatch(p -> p.endsWith(" is missing")) ? "missing-field" : "invalid-field";
    }

    /** A field's path without the root's {@code $.}: {@code startsAt}, {@code links.teacher}. */
    private static String describe(Error e) {
        String at = e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString();
        // JSON Pointer ("/links/teacher") or JSONPath ("$.links.teacher"), as the validator is configured.
        String field = at.startsWith("$.") ? at.substring(2)
                : at.startsWith("/") ? at.substring(1).replace('/', '.')
                : at.equals("$") ? "" : at;
        if ("required".equals(e.getKeyword()) && e.getProperty() != null) {
            return (field.isEmpty() ? "" : field + ".") + e.getProperty() + " is missing";
        }
        String message = e.getMessage();
        if (message.startsWith(at + ": ")) {
            message = message.substring(at.length() + 2);
        }
        return (field.isEmpty() ? "the value" : field) + ": " + message;
    }

    /** The topic name after the prefix, for a full topic name ({@code elephant.dns-desired} → {@code dns-desired}). */
    public static String topicOf(String fullName) {
        for (String t : TOPICS) {
            if (fullName.equals(t) || fullName.endsWith("." + t) || fullName.endsWith("-" + t)) {
                return t;
            }
        }
        return null;
    }

    private static Map<String, Schema> validators() {
        // Draft 2020-12 with x-kafka (where each schema says its key, tombstones, headers, retention) as an annotation.
        Dialect dialect = Dialect.builder(Dialects.getDraft202012()).keyword(new AnnotationKeyword("x-kafka")).build();
        SchemaRegistry registry = SchemaRegistry.withDialect(dialect);
        Map<String, Schema> schemas = new LinkedHashMap<>();
        DOCUMENTS.forEach((topic, doc) -> schemas.put(topic, registry.getSchema(
                SchemaLocation.of("classpath:" + resource(topic)), doc)));
        return Map.copyOf(schemas);
    }

    private static Map<String, JsonNode> documents() {
        Map<String, JsonNode> docs = new LinkedHashMap<>();
        for (String topic : TOPICS) {
            try (InputStream in = TopicSchemas.class.getResourceAsStream("/" + resource(topic))) {
                if (in == null) {
                    throw new IOException(resource(topic) + " is not on the classpath");
                }
                docs.put(topic, Json.mapper().readTree(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the schema of " + topic, e);
            }
        }
        return Map.copyOf(docs);
    }

    private static String resource(String topic) {
        return "schemas/" + topic + ".schema.json";
    }
}
