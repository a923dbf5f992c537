package dev.elephant.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Reads a topic Elephant consumes from others (instance-events, meeting-events) against the topic's schema: a
 * value that does not match is not dropped by the deserializer (Kafka Streams would only log it) but handed on
 * as a {@link Checked} with its problems, so the topology can dead-letter it with the reason and the field.
 */
public final class CheckedSerde<T> implements Serde<CheckedSerde.Checked<T>> {

    /**
     * A value read from a topic: {@code value} when it matches the schema, else the problems (naming the fields)
     * and the raw bytes for the dead letter.
     */
    public record Checked<T>(T value, List<String> problems, byte[] raw) {

        public Checked {
            problems = List.copyOf(problems);
        }

        public boolean matches() {
            return problems.isEmpty();
        }

        /** The problems as one line. */
        public String detail() {
            return String.join("; ", problems);
        }
    }

    private final Class<T> type;
    private final String topic;

    private CheckedSerde(Class<T> type, String topic) {
        this.type = type;
        this.topic = topic;
    }

    /** @param topic the topic's name after the prefix, whose schema the values are read against */
    public static <T> CheckedSerde<T> of(Class<T> type, String topic) {
        TopicSchemas.document(topic); // fails now, not on the first record, for a topic without a schema
        return new CheckedSerde<>(type, topic);
    }

    @Override
    public Serializer<Checked<T>> serializer() {
        return (t, checked) -> checked == null ? null : checked.matches() ? Json.toBytes(checked.value())
                : checked.raw();
    }

    @Override
    public Deserializer<Checked<T>> deserializer() {
        return (t, bytes) -> bytes == null ? null : check(bytes);
    }

    /** Reads one value: problems from the schema first, then the record it binds to. */
    public Checked<T> check(byte[] bytes) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(bytes);
        } catch (IOException e) {
            return new Checked<>(null, TopicSchemas.problems(topic, bytes), bytes);
        }
        List<String> problems = node == null ? List.of("the value is empty") : TopicSchemas.problems(topic, node);
        if (!problems.isEmpty()) {
            return new Checked<>(null, problems, bytes);
        }
        try {
            return new Checked<>(Json.reader(type).readValue(node), List.of(), bytes);
        } catch (IOException | RuntimeException e) {
            // The schema is the contract; a value it accepts that the record cannot hold is a defect of the schema.
            return new Checked<>(null, List.of("the value cannot be read as " + type.getSimpleName() + ": "
                    + e.getMessage()), bytes);
        }
    }
}
