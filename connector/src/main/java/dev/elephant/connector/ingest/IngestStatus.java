package dev.elephant.connector.ingest;

/**
 * The answers the ingest endpoints give, each with its HTTP status, in one place. EventBridge
 * retries 429 and 5xx and gives up on other 4xx, so a 4xx is only for input that can never succeed.
 */
public enum IngestStatus {
    ACCEPTED(202),
    /** Acknowledged and counted, but not stored: an instance of another project. */
    IGNORED(202),
    MALFORMED(400),
    UNAUTHORIZED(401),
    METHOD_NOT_ALLOWED(405),
    CONFLICT(409),
    TOO_LARGE(413),
    UNAVAILABLE(503);

    private final int httpStatus;

    IngestStatus(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
