package dev.elephant.connector.ingest;

/**
 * What an ingest call came to.
 *
 * @param reason  a short stable word (also the dead-letter reason and the metric tag), null when accepted
 * @param detail  one line for the caller; never contains a secret
 * @param eventId the id of the stored event, when one was stored
 */
public record IngestResult(IngestStatus status, String reason, String detail, String eventId) {

    public static IngestResult accepted(String eventId) {
        return new IngestResult(IngestStatus.ACCEPTED, null, null, eventId);
    }

    public static IngestResult rejected(IngestStatus status, String reason, String detail) {
        return new IngestResult(status, reason, detail, null);
    }
}
