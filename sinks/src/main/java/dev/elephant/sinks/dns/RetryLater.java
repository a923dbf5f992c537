package dev.elephant.sinks.dns;

import dev.elephant.sinks.ConsumerLoop;
import dev.elephant.sinks.dns.provider.ProviderException;
import java.time.Duration;

/** The record could not be reconciled now; try again after {@code delay} (null: the usual backoff). */
public final class RetryLater extends Exception implements ConsumerLoop.Delayed {

    /** How long a provider that refuses everything (credentials, a full zone) is left before trying again. */
    static final Duration BLOCKED_RETRY = Duration.ofMinutes(1);

    private final Duration delay;

    RetryLater(String message, Duration delay, Throwable cause) {
        super(message, cause);
        this.delay = delay;
    }

    /**
     * The wait a provider failure asks for: what the provider said (Retry-After), or, when it refuses
     * everything whatever is asked, a slow schedule ({@link #BLOCKED_RETRY}) rather than the usual backoff.
     */
    static RetryLater after(ProviderException e) {
        return after(e.getMessage(), e);
    }

    static RetryLater after(String message, ProviderException e) {
        Duration delay = e.kind() == ProviderException.Kind.BLOCKED ? BLOCKED_RETRY : e.retryAfter();
        return new RetryLater(message, delay, e);
    }

    @Override
    public Duration delay() {
        return delay;
    }
}
