package dev.elephant.events;

import java.util.Map;

/**
 * Published on {@code meeting-ready} (compacted, keyed by meeting id) once every role of a meeting
 * has a running instance whose record the provider confirmed; a tombstone when the meeting ends.
 */
public record MeetingReady(
        int schemaVersion,
        String meetingId,
        Map<String, String> links,
        Map<String, String> instances,
        String causeId) {

    public static final int SCHEMA_VERSION = 1;

    /** Header with the event time (ISO-8601) of the meeting's "scheduled": the start of scheduled-to-ready. */
    public static final String SCHEDULED_TIME_HEADER = "elephant-scheduled-time";

    public MeetingReady {
        links = Map.copyOf(links);
        instances = Map.copyOf(instances);
    }
}
