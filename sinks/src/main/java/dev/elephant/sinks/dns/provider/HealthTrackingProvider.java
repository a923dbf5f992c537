package dev.elephant.sinks.dns.provider;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Remembers whether the provider answers: a decorator, so every provider gets it the same way. A call
 * that fails as retryable (rate limited, 5xx, unreachable) marks it failing from that moment; one that
 * is refused whatever it asks (credentials, a full zone) marks it blocked; any other answer (success,
 * or a refusal of the request itself) marks it reachable again.
 */
public final class HealthTrackingProvider implements DnsProvider {

    private final DnsProvider delegate;
    private final Clock clock;
    private volatile Instant failingSince;
    private volatile String lastError;
    private volatile String blockedBy;

    public HealthTrackingProvider(DnsProvider delegate, Clock clock) {
        this.delegate = delegate;
        this.clock = clock;
    }

    /**
     * What is wrong with the provider, or empty: a refusal of everything (credentials, a full zone) at once,
     * since waiting will not mend it; failures that may pass (rate limit, 5xx) once they lasted {@code grace}.
     */
    public Optional<String> problem(Duration grace) {
        String blocked = blockedBy;
        return blocked != null ? Optional.of("refusing every write: " + blocked) : failingFor(grace);
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
            blockedBy = null;
            return result;
        } catch (ProviderException e) {
            blockedBy = e.kind() == ProviderException.Kind.BLOCKED ? e.getMessage() : null;
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
    public String name() {
        return delegate.name();
    }

    @Override
    public List<ProviderRecord> recordsAt(String name) throws ProviderException {
        return tracked(() -> delegate.recordsAt(name));
    }

    @Override
    public List<ProviderRecord> recordsMarked(String mark) throws ProviderException {
        return tracked(() -> delegate.recordsMarked(mark));
    }

    @Override
    public RecordBatch.Result batch(RecordBatch batch) throws ProviderException {
        return tracked(() -> delegate.batch(batch));
    }

    @Override
    public boolean inSync(String change) throws ProviderException {
        return tracked(() -> delegate.inSync(change));
    }

    @Override
    public java.time.Duration untilNextRequest() {
        return delegate.untilNextRequest();
    }
}
