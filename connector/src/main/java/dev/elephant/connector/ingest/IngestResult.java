package dev.elephant.connector.ingest;

/**
 * What an ingest call came to.
 *
 * @param reason  why it was not simply accepted (also the dead-letter reason and the metric tag), null when accepted
 * @param detail  one line for the caller; never contains a secret
 * @param eventId the id of the stored event, when one was stored
 */
public record IngestResult(IngestStatus status, IngestReason reason, String detail, String eventId) {

    public static IngestResult accepted(String eventId) {
        return new IngestResult(IngestStatus.ACCEPTED, null, null, eventId);
    }

    /** Answered as the reason says ({@link IngestReason#status()}). */
    public static IngestResult rejected(IngestReason reason, String detail) {
        return new IngestResult(reason.status(), reason, detail, null);
    }

    /** The metric tag of this outcome. */
    public String outcomeTag() {
        return reason == null ? "accepted" : reason.tag();
    }
}
