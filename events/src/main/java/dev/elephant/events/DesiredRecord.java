package dev.elephant.events;

/**
 * A DNS record that must exist. Key on {@code dns-desired}: the record's FQDN; a tombstone (null
 * value) means no record of Elephant's may exist at that name.
 */
public record DesiredRecord(
        int schemaVersion,
        String name,
        String type,
        String content,
        int ttl,
        String instanceId,
        String causeId) {

    public static final int SCHEMA_VERSION = 1;

    /**
     * Header naming the event that caused a record on {@code dns-desired}; a tombstone has no value to
     * carry it, and a deletion must still be traceable to its cause.
     */
    public static final String CAUSE_HEADER = "elephant-cause-id";

    /** Header with the event time (ISO-8601) of the cause: the start of the event-to-record latency. */
    public static final String EVENT_TIME_HEADER = "elephant-event-time";
}
