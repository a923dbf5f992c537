package dev.elephant.topology.meetings;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** A meeting's status as {@code GET /v1/meetings/{id}} shows it. */
public enum MeetingStatus {
    /** Instances carry the meeting's id but the meeting service has not scheduled it (yet). */
    UNSCHEDULED,
    SCHEDULED,
    LAUNCHING,
    READY,
    ENDED,
    CANCELLED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
