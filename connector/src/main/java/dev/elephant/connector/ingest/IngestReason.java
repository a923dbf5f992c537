package dev.elephant.connector.ingest;

/**
 * Why an ingest call was not simply accepted: the word on the dead-letter record, the metric tag and the
 * answer's {@code reason}, each mapped to its HTTP answer here, in one place.
 */
public enum IngestReason {
    MALFORMED_JSON("malformed-json", IngestStatus.MALFORMED),
    UNSUPPORTED_EVENT("unsupported-event", IngestStatus.MALFORMED),
    MISSING_FIELD("missing-field", IngestStatus.MALFORMED),
    INVALID_FIELD("invalid-field", IngestStatus.MALFORMED),
    INVALID_INSTANCE_ID("invalid-instance-id", IngestStatus.MALFORMED),
    INVALID_MEETING_ID("invalid-meeting-id", IngestStatus.MALFORMED),
    UNKNOWN_STATE("unknown-state", IngestStatus.MALFORMED),
    /** An event time far ahead of Elephant's clock would freeze its instance or meeting ({@link EventTimes}). */
    TIME_IN_FUTURE("time-in-future", IngestStatus.MALFORMED),
    TOO_LARGE("too-large", IngestStatus.TOO_LARGE),
    /** A failover name of the run config: changed or removed there, not over the API (the next start would undo it). */
    DECLARED_IN_CONFIG("declared-in-config", IngestStatus.CONFLICT),
    METHOD_NOT_ALLOWED("method-not-allowed", IngestStatus.METHOD_NOT_ALLOWED),
    UNAUTHORIZED("unauthorized", IngestStatus.UNAUTHORIZED),
    /** Acknowledged and counted, not stored: an instance or task of another project. */
    OTHER_PROJECT("other-project", IngestStatus.IGNORED),
    AWS_UNAVAILABLE("aws-unavailable", IngestStatus.UNAVAILABLE),
    KAFKA_UNAVAILABLE("kafka-unavailable", IngestStatus.UNAVAILABLE);

    private final String tag;
    private final IngestStatus status;

    IngestReason(String tag, IngestStatus status) {
        this.tag = tag;
        this.status = status;
    }

    /** The stable word: dead-letter reason, metric tag, the answer's {@code reason}. */
    public String tag() {
        return tag;
    }

    public IngestStatus status() {
        return status;
    }

    @Override
    public String toString() {
        return tag;
    }
}
