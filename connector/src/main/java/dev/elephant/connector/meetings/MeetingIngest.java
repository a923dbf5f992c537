package dev.elephant.connector.meetings;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.elephant.connector.ingest.DeadLetters;
import dev.elephant.connector.ingest.EventLog;
import dev.elephant.connector.ingest.EventTimes;
import dev.elephant.connector.ingest.IngestReason;
import dev.elephant.connector.ingest.IngestResult;
import dev.elephant.connector.ingest.IngestStatus;
import dev.elephant.events.Json;
import dev.elephant.events.LaunchSpec;
import dev.elephant.events.MeetingEvent;
import dev.elephant.events.Printable;
import dev.elephant.events.Topics;
import dev.elephant.events.UtcInstants;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/** Validates a {@link MeetingEvent} posted by the meeting service and appends it to {@code meeting-events}. */
public final class MeetingIngest {

    public static final String SOURCE = "meetings-api";
    private static final Pattern MEETING_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final Pattern ROLE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    private static final int MAX_ROLES = 16;

    private final EventLog log;
    private final DeadLetters deadLetters;
    private final Topics topics;
    private final Clock clock;
    private final Duration writeTimeout;
    private final MeterRegistry metrics;

    public MeetingIngest(EventLog log, DeadLetters deadLetters, Topics topics, Clock clock, Duration writeTimeout,
                         MeterRegistry metrics) {
        this.log = log;
        this.deadLetters = deadLetters;
        this.topics = topics;
        this.clock = clock;
        this.writeTimeout = writeTimeout;
        this.metrics = metrics;
    }

    public IngestResult ingest(byte[] body) {
        IngestResult result = handle(body);
        metrics.counter("elephant.ingest.events", "source", "meetings", "outcome",
                result.outcomeTag()).increment();
        return result;
    }

    private IngestResult handle(byte[] body) {
        MeetingEvent event;
        try {
            event = parse(body, UUID.randomUUID().toString(), clock.instant());
        } catch (Invalid e) {
            return deadLetters.reject(e.reason, e.getMessage(), SOURCE, null, body);
        }
        try {
            log.append(topics.meetingEvents(), event.meetingId(), Json.toBytes(event), writeTimeout);
        } catch (EventLog.EventLogUnavailable e) {
            return IngestResult.rejected(IngestReason.KAFKA_UNAVAILABLE, e.getMessage());
        }
        return IngestResult.accepted(event.eventId());
    }

    static MeetingEvent parse(byte[] body, String eventId, Instant now) throws Invalid {
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new Invalid(IngestReason.MALFORMED_JSON, "body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new Invalid(IngestReason.MALFORMED_JSON, "body is not a JSON object");
        }
        String meetingId = text(root, "meetingId");
        if (meetingId == null || !MEETING_ID.matcher(meetingId).matches()) {
            throw new Invalid(IngestReason.INVALID_MEETING_ID, "meetingId " + Printable.of(meetingId)
                    + " must be 1 to 128 letters, digits, '.', '_', ':' or '-'");
        }
        String type = text(root, "type");
        if (type == null) {
            throw new Invalid(IngestReason.MISSING_FIELD, "type is missing (scheduled, ended or cancelled)");
        }
        Instant time = occurredAt(root, now);
        return switch (type) {
            case "scheduled" -> scheduled(root, meetingId, eventId, time);
            case "ended" -> new MeetingEvent.Ended(MeetingEvent.SCHEMA_VERSION, type, meetingId, eventId, time);
            case "cancelled" -> new MeetingEvent.Cancelled(MeetingEvent.SCHEMA_VERSION, type, meetingId, eventId, time);
            default -> throw new Invalid(IngestReason.INVALID_FIELD, "type " + Printable.of(type)
                    + " is not one of scheduled, ended, cancelled");
        };
    }

    /**
     * The event's time: the sender's {@code occurredAt} when it gives one, else when Elephant accepted it.
     * Meeting events are ordered by this time, so a retried older "scheduled" must carry the time it was
     * made at, or it would undo a reschedule sent after it.
     */
    private static Instant occurredAt(JsonNode root, Instant now) throws Invalid {
        if (!root.has("occurredAt") || root.get("occurredAt").isNull()) {
            return now;
        }
        Instant occurredAt = instant(root, "occurredAt");
        String ahead = EventTimes.tooFarAhead("occurredAt", occurredAt, now);
        if (ahead != null) {
            throw new Invalid(IngestReason.TIME_IN_FUTURE, ahead);
        }
        return occurredAt;
    }

    private static MeetingEvent.Scheduled scheduled(JsonNode root, String meetingId, String eventId, Instant time)
            throws Invalid {
        JsonNode rolesNode = root.get("roles");
        if (rolesNode == null || !rolesNode.isArray() || rolesNode.isEmpty() || rolesNode.size() > MAX_ROLES) {
            throw new Invalid(IngestReason.INVALID_FIELD, "roles must be a list of 1 to " + MAX_ROLES + " role names");
        }
        List<String> roles = new ArrayList<>();
        for (JsonNode r : rolesNode) {
            String role = r.isTextual() ? r.asText() : null;
            if (role == null || !ROLE.matcher(role).matches()) {
                throw new Invalid(IngestReason.INVALID_FIELD, "role " + Printable.of(role)
                        + " must be 1 to 32 lower-case letters, digits, '_' or '-'");
            }
            roles.add(role);
        }
        if (new HashSet<>(roles).size() != roles.size()) {
            throw new Invalid(IngestReason.INVALID_FIELD, "roles must not repeat");
        }
        Instant startsAt = instant(root, "startsAt");
        Instant endsAt = instant(root, "endsAt");
        if (!endsAt.isAfter(startsAt)) {
            throw new Invalid(IngestReason.INVALID_FIELD, "endsAt must be after startsAt");
        }
        return new MeetingEvent.Scheduled(MeetingEvent.SCHEMA_VERSION, "scheduled", meetingId, roles, startsAt, endsAt,
                eventId, time, launch(root, roles));
    }

    /** What to launch for the roles, or null when the meeting service launches them itself. */
    private static LaunchSpec launch(JsonNode root, List<String> roles) throws Invalid {
        JsonNode node = root.get("launch");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new Invalid(IngestReason.INVALID_FIELD, "launch must be an object such as "
                    + "{\"imageId\":\"ami-0abc1234def567890\",\"instanceType\":\"t3.large\"}");
        }
        LaunchSpec spec;
        try {
            spec = Json.mapper().readerFor(LaunchSpec.class)
                    .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(node);
        } catch (IOException e) {
            String field = e instanceof JsonMappingException m && !m.getPath().isEmpty()
                    ? m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                            .reduce("launch", (a, b) -> a + "." + b)
                    : "launch";
            throw new Invalid(IngestReason.INVALID_FIELD, field + " is not valid: it must hold imageId, instanceType, "
                    + "launchTemplate, subnetId, securityGroupIds, keyName or roles, each of its type");
        }
        List<String> problems = spec.problems(roles);
        if (!problems.isEmpty()) {
            throw new Invalid(IngestReason.INVALID_FIELD, String.join("; ", problems));
        }
        return spec;
    }

    private static Instant instant(JsonNode root, String field) throws Invalid {
        String t = text(root, field);
        if (t == null) {
            throw new Invalid(IngestReason.MISSING_FIELD, field + " is missing");
        }
        try {
            return UtcInstants.parse(t);
        } catch (DateTimeParseException e) {
            throw new Invalid(IngestReason.INVALID_FIELD, field + " is not an ISO-8601 instant such as 2026-11-22T10:00:00Z");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode n = node.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    static final class Invalid extends Exception {
        final IngestReason reason;

        Invalid(IngestReason reason, String message) {
            super(message);
            this.reason = reason;
        }
    }
}
