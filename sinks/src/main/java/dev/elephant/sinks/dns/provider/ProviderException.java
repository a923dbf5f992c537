package dev.elephant.sinks.dns.provider;

import java.time.Duration;

/** A provider call that did not succeed, classified by what the caller should do next. */
public final class ProviderException extends Exception {

    public enum Kind {
        /** Rate limited, 5xx, timeout, connection lost: try again later. */
        RETRYABLE,
        /** The provider already holds what was asked for, or no longer holds what was to be deleted: look again. */
        ALREADY_DONE,
        /** This change will not succeed by retrying: the provider refuses it (validation, a foreign record). */
        PERMANENT,
        /**
         * Nothing will succeed for now, and not because of any change in the request: credentials refused, the
         * zone full. Splitting the batch would only repeat the refusal once per change; the batch stops, the
         * cause is reported, and it is tried again on a slow schedule.
         */
        BLOCKED
    }

    private final Kind kind;
    private final Duration retryAfter;
    private final boolean authFailure;
    private final boolean outcomeUnknown;

    public ProviderException(Kind kind, String message, Duration retryAfter, Throwable cause) {
        this(kind, message, retryAfter, cause, false);
    }

    /** @param authFailure the provider refused the credentials (which may have been rotated since they were read) */
    public ProviderException(Kind kind, String message, Duration retryAfter, Throwable cause, boolean authFailure) {
        this(kind, message, retryAfter, cause, authFailure, false);
    }

    private ProviderException(Kind kind, String message, Duration retryAfter, Throwable cause, boolean authFailure,
                              boolean outcomeUnknown) {
        super(message, cause);
        this.kind = kind;
        this.retryAfter = retryAfter;
        this.authFailure = authFailure;
        this.outcomeUnknown = outcomeUnknown;
    }

    public boolean isAuthFailure() {
        return authFailure;
    }

    /**
     * A call that may have been carried out although no answer came (the connection dropped or timed
     * out after the request was sent): retryable, and what it did must be looked up.
     */
    public static ProviderException outcomeUnknown(String message, Throwable cause) {
        return new ProviderException(Kind.RETRYABLE, message, null, cause, false, true);
    }

    public boolean isOutcomeUnknown() {
        return outcomeUnknown;
    }

    public Kind kind() {
        return kind;
    }

    /** How long the provider asked us to wait, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
