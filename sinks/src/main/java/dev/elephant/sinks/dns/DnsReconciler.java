package dev.elephant.sinks.dns;

import dev.elephant.events.DesiredRecord;
import dev.elephant.events.DnsMutation;
import dev.elephant.sinks.dns.audit.MutationAudit;
import dev.elephant.sinks.dns.plan.DnsPlan;
import dev.elephant.sinks.dns.plan.DnsPlanner;
import dev.elephant.sinks.dns.provider.DnsProvider;
import dev.elephant.sinks.dns.provider.ProviderException;
import dev.elephant.sinks.dns.provider.ProviderRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the provider match one desired record: look at what the provider holds, plan, execute, and
 * audit every write as an intent before the call and an outcome after it.
 *
 * <p>It remembers what it last left each name as, so the same desired state applied twice makes no
 * provider call the second time (only a {@code noop} on the audit trail, which the topology reads as
 * confirmation). That memory is this process's: after a restart the first look is a read.
 */
public final class DnsReconciler {

    private static final Logger log = LoggerFactory.getLogger(DnsReconciler.class);
    private static final String ABSENT = "";

    private final DnsProvider provider;
    private final DnsPlanner planner;
    private final MutationAudit audit;
    private final String owner;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Map<String, String> known = new ConcurrentHashMap<>();

    public DnsReconciler(DnsProvider provider, DnsPlanner planner, MutationAudit audit, String owner, Clock clock,
                         MeterRegistry metrics) {
        this.provider = provider;
        this.planner = planner;
        this.audit = audit;
        this.owner = owner;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * @param causeId the event behind this desired state (for a tombstone it comes from the record's header)
     */
    void reconcile(String name, DesiredRecord desired, String causeId) throws RetryLater, MutationAudit.AuditUnavailable {
        String want = wanted(desired);
        if (want.equals(known.get(name))) {
            noop(new Audited(name, desired, causeOf(desired, causeId), DnsMutation.Phase.APPLIED));
            return;
        }
        apply(new Audited(name, desired, causeOf(desired, causeId), DnsMutation.Phase.APPLIED));
    }

    /**
     * Repairs a name where the provider was found to differ from the desired state: looks again
     * (never trusting what it remembers), and audits each write's outcome as {@code drift-repaired}.
     */
    void repair(String name, DesiredRecord desired, String causeId) throws RetryLater, MutationAudit.AuditUnavailable {
        apply(new Audited(name, desired, causeOf(desired, causeId), DnsMutation.Phase.DRIFT_REPAIRED));
    }

    /** The provider was seen to hold exactly this desired state at this name. */
    void remember(String name, DesiredRecord desired) {
        known.put(name, wanted(desired));
    }

    private static String wanted(DesiredRecord desired) {
        return desired == null ? ABSENT : desired.type() + " " + desired.content() + " " + desired.ttl();
    }

    private static String causeOf(DesiredRecord desired, String causeId) {
        return desired != null && desired.causeId() != null ? desired.causeId() : causeId;
    }

    private void apply(Audited a) throws RetryLater, MutationAudit.AuditUnavailable {
        String name = a.name();
        DesiredRecord desired = a.desired();
        String want = wanted(desired);
        List<ProviderRecord> actual;
        try {
            actual = timed("list", () -> provider.recordsAt(name));
        } catch (ProviderException e) {
            throw new RetryLater(e.getMessage(), e.retryAfter(), e);
        }
        DnsPlan plan = planner.plan(name, desired, actual);
        if (plan.refusal() != null) {
            known.remove(name);
            log.warn("not touching {}: {}", name, plan.refusal());
            audit.record(mutation(UUID.randomUUID().toString(), DnsMutation.Phase.FAILED, DnsMutation.Action.NONE,
                    a, null, null, plan.refusal()));
            return;
        }
        if (plan.changes().isEmpty()) {
            noop(a);
            known.put(name, want);
            return;
        }
        for (DnsPlan.Change change : plan.changes()) {
            if (!execute(a, change)) {
                known.remove(name);
                return;
            }
        }
        known.put(name, want);
    }

    /** What every audit record of one reconciliation shares. */
    private record Audited(String name, DesiredRecord desired, String causeId, DnsMutation.Phase success) {}

    private void noop(Audited a) throws MutationAudit.AuditUnavailable {
        DnsMutation.Action action = a.desired() == null ? DnsMutation.Action.DELETE : DnsMutation.Action.NONE;
        audit.record(mutation(UUID.randomUUID().toString(), DnsMutation.Phase.NOOP, action, a, null, null, null));
        metrics.counter("elephant.dns.mutations", "action", "noop", "outcome", "noop").increment();
    }

    /** @return false when the change failed for good (the failure is on the audit trail) */
    private boolean execute(Audited a, DnsPlan.Change change)
            throws RetryLater, MutationAudit.AuditUnavailable {
        String mutationId = UUID.randomUUID().toString();
        DnsMutation.Action action = DnsMutation.Action.valueOf(change.action().name());
        ProviderRecord existing = change.existing();
        audit.record(mutation(mutationId, DnsMutation.Phase.INTENT, action, a, change, null, null));
        String op = action.name().toLowerCase(java.util.Locale.ROOT);
        try {
            ProviderRecord result = switch (change.action()) {
                case CREATE -> timed(op, () -> provider.create(change.spec()));
                case UPDATE -> timed(op, () -> provider.update(existing.id(), change.spec()));
                case DELETE -> {
                    timed(op, () -> {
                        provider.delete(existing.id());
                        return null;
                    });
                    yield existing;
                }
            };
            audit.record(mutation(mutationId, a.success(), action, a, change,
                    result == null ? null : result.id(), null));
            metrics.counter("elephant.dns.mutations", "action", op, "outcome",
                    a.success() == DnsMutation.Phase.APPLIED ? "applied" : "drift-repaired").increment();
            return true;
        } catch (ProviderException e) {
            audit.record(mutation(mutationId, DnsMutation.Phase.FAILED, action, a, change, null, e.getMessage()));
            metrics.counter("elephant.dns.mutations", "action", op, "outcome", "failed").increment();
            switch (e.kind()) {
                case RETRYABLE -> throw new RetryLater(e.getMessage(), e.retryAfter(), e);
                // The provider already is (or no longer is) what we asked: look again and plan from what is there.
                case ALREADY_DONE -> throw new RetryLater(e.getMessage(), Duration.ZERO, e);
                default -> {
                    log.error("giving up on {} {}: {}", op, a.name(), e.getMessage());
                    return false;
                }
            }
        }
    }

    private DnsMutation mutation(String mutationId, DnsMutation.Phase phase, DnsMutation.Action action, Audited a,
                                 DnsPlan.Change change, String providerRecordId, String error) {
        DesiredRecord desired = a.desired();
        String name = a.name();
        String content = change != null && change.spec() != null ? change.spec().content()
                : desired != null && action != DnsMutation.Action.DELETE ? desired.content() : null;
        String previous = change != null && change.existing() != null ? change.existing().content() : null;
        String recordId = providerRecordId != null ? providerRecordId
                : change != null && change.existing() != null ? change.existing().id() : null;
        String instanceId = desired != null ? desired.instanceId() : instanceIdOf(name);
        return new DnsMutation(DnsMutation.SCHEMA_VERSION, mutationId, phase, action, name,
                desired != null ? desired.type() : "A", content, previous, recordId, instanceId,
                a.causeId(), owner, error, clock.instant());
    }

    private static String instanceIdOf(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? null : name.substring(0, dot);
    }

    private interface ProviderCall<T> {
        T call() throws ProviderException;
    }

    private <T> T timed(String operation, ProviderCall<T> call) throws ProviderException {
        Timer.Sample sample = Timer.start(metrics);
        String outcome = "error";
        try {
            T result = call.call();
            outcome = "ok";
            return result;
        } catch (ProviderException e) {
            outcome = e.kind().name().toLowerCase(java.util.Locale.ROOT);
            throw e;
        } finally {
            sample.stop(metrics.timer("elephant.provider.calls", "provider", "cloudflare", "operation", operation,
                    "outcome", outcome));
        }
    }
}
