package dev.elephant.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.List;

/** What the meeting service says about a meeting. Key on {@code meeting-events}: the meeting id. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "type", visible = true)
@JsonSubTypes({
    @JsonSubTypes.Type(value = MeetingEvent.Scheduled.class, name = "scheduled"),
    @JsonSubTypes.Type(value = MeetingEvent.Ended.class, name = "ended"),
    @JsonSubTypes.Type(value = MeetingEvent.Cancelled.class, name = "cancelled")
})
public sealed interface MeetingEvent {

    int SCHEMA_VERSION = 1;

    String type();

    String meetingId();

    /** Id Elephant gave the event at ingest; the cause of anything it leads to. */
    String eventId();

    /**
     * When the event happened: the sender's {@code occurredAt}, or when Elephant accepted the event if the
     * sender gave none. Meeting events are ordered by it.
     */
    Instant time();

    /**
     * @param launch what Elephant launches for each role before the start, or null when someone else launches the
     *               meeting's instances
     */
    record Scheduled(int schemaVersion, String type, String meetingId, List<String> roles, Instant startsAt,
                     Instant endsAt, String eventId, Instant time, LaunchSpec launch) implements MeetingEvent {
        public Scheduled {
            roles = roles == null ? null : List.copyOf(roles);
        }

        /** A meeting whose instances someone else launches. */
        public Scheduled(int schemaVersion, String type, String meetingId, List<String> roles, Instant startsAt,
                         Instant endsAt, String eventId, Instant time) {
            this(schemaVersion, type, meetingId, roles, startsAt, endsAt, eventId, time, null);
        }
    }

    record Ended(int schemaVersion, String type, String meetingId, String eventId, Instant time)
            implements MeetingEvent {}

    record Cancelled(int schemaVersion, String type, String meetingId, String eventId, Instant time)
            implements MeetingEvent {}
}
