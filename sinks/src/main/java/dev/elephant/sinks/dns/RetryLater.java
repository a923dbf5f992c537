package dev.elephant.sinks.dns;

import java.time.Duration;

/** The record could not be reconciled now; try again after {@code delay} (null: the usual backoff). */
public final class RetryLater extends Exception {

    private final Duration delay;

    RetryLater(String message, Duration delay, Throwable cause) {
        super(message, cause);
        this.delay = delay;
    }

    public Duration delay() {
        return delay;
    }
}
