package dev.elephant.sinks.dns.provider;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Remembers whether the provider answers: a decorator, so every provider gets it the same way. A call
 * that fails as retryable (rate limited, 5xx, unreachable) marks it failing from that moment; any
 * answer (success, or a refusal of the request itself) marks it reachable again.
 */
public final class HealthTrackingProvider implements DnsProvider {

    private final DnsProvider delegate;
    private final Clock clock;
    private volatile Instant failingSince;
    private volatile String lastError;

    public HealthTrackingProvider(DnsProvider delegate, Clock clock) {
        this.delegate = delegate;
        this.clock = clock;
    }

    /** How long the provider has been failing, with the last error, or empty when it answers. */
    public Optional<String> failingFor(Duration atLeast) {
        Instant since = failingSince;
        if (since == null) {
            return Optional.empty();
        }
        Duration d = Duration.between(since, clock.instant());
        return d.compareTo(atLeast) < 0 ? Optional.empty()
                : Optional.of("failing for " + d.toSeconds() + " s: " + lastError);
    }

    private interface Call<T> {
        T run() throws ProviderException;
    }

    private <T> T tracked(Call<T> call) throws ProviderException {
        try {
            T result = call.run();
            failingSince = null;
            return result;
        } catch (ProviderException e) {
            if (e.kind() == ProviderException.Kind.RETRYABLE) {
                if (failingSince == null) {
                    failingSince = clock.instant();
                }
                lastError = e.getMessage();
            } else {
                failingSince = null;
            }
            throw e;
        }
    }

    @Override
    public List<ProviderRecord> recordsAt(String name) throws ProviderException {
        return tracked(() -> delegate.recordsAt(name));
    }

    @Override
    public List<ProviderRecord> recordsWithComment(String comment) throws ProviderException {
        return tracked(() -> delegate.recordsWithComment(comment));
    }

    @Override
    public RecordBatch.Result batch(RecordBatch batch) throws ProviderException {
        return tracked(() -> delegate.batch(batch));
    }
}
