package dev.elephant.sinks.dns;

import dev.elephant.events.DesiredRecord;
import dev.elephant.events.Json;
import dev.elephant.events.TopicSchemas;
import dev.elephant.events.UtcInstants;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The desired state of one name: a record, or none ({@code record == null}), with the event that
 * caused it and that event's time (from the record's headers; a tombstone has nothing else).
 */
public record Desired(String name, DesiredRecord record, String causeId, Instant eventTime) {

    public Desired(String name, DesiredRecord record, String causeId) {
        this(name, record, causeId, null);
    }

    /** Whether the record's value (not a tombstone) matches the topic's schema, so that {@link #of} can read it. */
    static boolean readable(ConsumerRecord<String, byte[]> r) {
        return r.value() == null || problems(r).isEmpty();
    }

    /** What is wrong with the record's value as a {@code dns-desired} value; empty for one that matches. */
    static List<String> problems(ConsumerRecord<String, byte[]> r) {
        return r.value() == null ? List.of() : TopicSchemas.problems("dns-desired", r.value());
    }

    /**
     * The desired state a {@code dns-desired} record carries: its value, and the cause and event time
     * from the value or, for a tombstone, from the record's headers.
     */
    static Desired of(ConsumerRecord<String, byte[]> r) {
        DesiredRecord record = r.value() == null ? null : Json.fromBytes(r.value(), DesiredRecord.class);
        String cause = record != null && record.causeId() != null ? record.causeId()
                : header(r, DesiredRecord.CAUSE_HEADER);
        String time = header(r, DesiredRecord.EVENT_TIME_HEADER);
        Instant eventTime = null;
        try {
            eventTime = time == null ? null : UtcInstants.parse(time);
        } catch (DateTimeParseException e) {
            // a record without a readable time only misses the latency metric
        }
        return new Desired(r.key(), record, cause, eventTime);
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    public String instanceId() {
        if (record != null) {
            return record.instanceId();
        }
        int dot = name.indexOf('.');
        return dot < 0 ? null : name.substring(0, dot);
    }
}
