package dev.elephant.connector.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.elephant.connector.ec2.Ec2StateChange;
import dev.elephant.connector.ec2.InstanceFacts;
import dev.elephant.connector.ec2.InstanceLookup;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.events.Ec2State;
import dev.elephant.events.InstanceEvent;
import dev.elephant.events.InstanceIds;
import dev.elephant.events.Json;
import dev.elephant.events.Printable;
import dev.elephant.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Takes one EventBridge event as an API destination delivers it, validates it, enriches it with what
 * EC2 says of the instance now, and appends it to {@code instance-events}. The answer says whether
 * EventBridge should retry: 2xx only after Kafka acknowledged, 4xx (with a dead-letter record) only
 * for input that can never succeed, 503 for everything worth retrying.
 */
public final class EventBridgeIngest {

    public static final String SOURCE = "eventbridge";
    static final String EC2_DETAIL_TYPE = "EC2 Instance State-change Notification";
    private static final int MAX_EVENT_ID_LENGTH = 128;

    private final InstanceLookup lookup;
    private final ProjectFilter projectFilter;
    private final EventLog log;
    private final DeadLetters deadLetters;
    private final Topics topics;
    private final Duration writeTimeout;
    private final MeterRegistry metrics;

    public EventBridgeIngest(InstanceLookup lookup, ProjectFilter projectFilter, EventLog log, DeadLetters deadLetters,
                             Topics topics, Duration writeTimeout, MeterRegistry metrics) {
        this.lookup = lookup;
        this.projectFilter = projectFilter;
        this.log = log;
        this.deadLetters = deadLetters;
        this.topics = topics;
        this.writeTimeout = writeTimeout;
        this.metrics = metrics;
    }

    public IngestResult ingest(byte[] body) {
        IngestResult result = handle(body);
        metrics.counter("elephant.ingest.events", "source", "aws.ec2", "outcome",
                result.reason() == null ? "accepted" : result.reason()).increment();
        return result;
    }

    private IngestResult handle(byte[] body) {
        Ec2StateChange change;
        try {
            change = parse(body);
        } catch (Malformed e) {
            return deadLetters.reject(IngestStatus.MALFORMED, e.reason, e.getMessage(), SOURCE, e.key, body);
        }
        Optional<InstanceFacts> facts;
        try {
            facts = lookup.describe(change.instanceId());
        } catch (InstanceLookup.LookupUnavailable e) {
            return IngestResult.rejected(IngestStatus.UNAVAILABLE, "aws-unavailable", e.getMessage());
        }
        if (facts.isPresent() && !projectFilter.matches(facts.get().tags())) {
            return IngestResult.rejected(IngestStatus.IGNORED, "other-project",
                    "instance is not tagged " + projectFilter.tagKey() + "=" + projectFilter.tagValue());
        }
        InstanceEvent event = new InstanceEvent(InstanceEvent.SCHEMA_VERSION, change.eventId(), change.eventId(),
                InstanceEvent.SOURCE_EC2, change.instanceId(), change.state(), change.time(),
                facts.map(InstanceFacts::publicIp).orElse(null), facts.map(InstanceFacts::privateIp).orElse(null),
                facts.map(InstanceFacts::tags).orElse(null), facts.isPresent());
        try {
            log.append(topics.instanceEvents(), change.instanceId(), Json.toBytes(event), writeTimeout);
        } catch (EventLog.EventLogUnavailable e) {
            return IngestResult.rejected(IngestStatus.UNAVAILABLE, "kafka-unavailable", e.getMessage());
        }
        return IngestResult.accepted(change.eventId());
    }

    static Ec2StateChange parse(byte[] body) throws Malformed {
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new Malformed("malformed-json", "body is not valid JSON (" + e.getOriginalMessage() + ")", null);
        } catch (IOException e) {
            throw new Malformed("malformed-json", "body is not valid JSON", null);
        }
        if (root == null || !root.isObject()) {
            throw new Malformed("malformed-json", "body is not a JSON object", null);
        }
        String source = text(root, "source");
        String detailType = text(root, "detail-type");
        if (!"aws.ec2".equals(source) || !EC2_DETAIL_TYPE.equals(detailType)) {
            throw new Malformed("unsupported-event", "unsupported source " + Printable.of(source) + " / detail-type "
                    + Printable.of(detailType), null);
        }
        String id = text(root, "id");
        if (id == null || id.isEmpty() || id.length() > MAX_EVENT_ID_LENGTH) {
            throw new Malformed("missing-field", "event id is missing or too long", null);
        }
        Instant time;
        try {
            String t = text(root, "time");
            if (t == null) {
                throw new Malformed("missing-field", "time is missing", null);
            }
            time = Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new Malformed("invalid-field", "time is not an ISO-8601 instant", null);
        }
        JsonNode detail = root.get("detail");
        if (detail == null || !detail.isObject()) {
            throw new Malformed("missing-field", "detail is missing", null);
        }
        String instanceId = text(detail, "instance-id");
        if (!InstanceIds.isEc2InstanceId(instanceId)) {
            throw new Malformed("invalid-instance-id", "detail.instance-id " + Printable.of(instanceId)
                    + " is not an EC2 instance id (i- and 8 to 17 lower-case hex digits)", instanceId);
        }
        String state = text(detail, "state");
        if (Ec2State.fromWireName(state).isEmpty()) {
            throw new Malformed("unknown-state", "detail.state " + Printable.of(state) + " is not an EC2 state",
                    instanceId);
        }
        return new Ec2StateChange(id, time, instanceId, state);
    }

    private static String text(JsonNode node, String field) {
        JsonNode n = node.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    /** Input that can never succeed, with the dead-letter reason. */
    static final class Malformed extends Exception {
        final String reason;
        final String key;

        Malformed(String reason, String message, String key) {
            super(message);
            this.reason = reason;
            this.key = key;
        }
    }
}
