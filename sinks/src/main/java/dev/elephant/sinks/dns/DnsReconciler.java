package dev.elephant.sinks.dns;

import dev.elephant.events.DeadLetter;
import dev.elephant.events.DnsMutation;
import dev.elephant.events.Json;
import dev.elephant.events.TopicSchemas;
import dev.elephant.sinks.dns.audit.MutationAudit;
import dev.elephant.sinks.dns.plan.DnsPlan;
import dev.elephant.sinks.dns.plan.DnsPlanner;
import dev.elephant.sinks.dns.provider.DnsProvider;
import dev.elephant.sinks.dns.provider.ProviderException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the provider match a set of desired names: plans each against the {@link ProviderView}, sends
 * every change in as few batches as the provider allows, and audits each write. A name whose plan is
 * empty costs no provider call; a desired record gets a {@code noop} on the audit trail, which the topology
 * reads as confirmation (a desired absence, which confirms nothing, gets none). A name the provider surprised
 * (the record already existed, or was already gone) is looked at once and planned again; a name Elephant may
 * not touch is audited as failed and dead-lettered.
 */
public final class DnsReconciler {

    private static final Logger log = LoggerFactory.getLogger(DnsReconciler.class);

    private final DnsProvider provider;
    private final DnsPlanner planner;
    private final MutationAudit audit;
    private final ProviderView view;
    private final BatchExecutor executor;
    private final String owner;
    private final Clock clock;
    private final MeterRegistry metrics;

    public DnsReconciler(DnsProvider provider, DnsPlanner planner, MutationAudit audit, String owner, int maxBatch,
                         Clock clock, MeterRegistry metrics) {
        this(provider, planner, audit, owner, maxBatch, clock, metrics, false);
    }

    /**
     * @param dryRun plan and audit every write as {@code dry-run} without sending it: the provider is
     *               only read
     */
    public DnsReconciler(DnsProvider provider, DnsPlanner planner, MutationAudit audit, String owner, int maxBatch,
                         Clock clock, MeterRegistry metrics, boolean dryRun) {
        this.provider = provider;
        this.planner = planner;
        this.audit = audit;
        this.view = new ProviderView();
        this.executor = new BatchExecutor(provider, audit, view, maxBatch, owner, clock, metrics, dryRun);
        this.owner = owner;
        this.clock = clock;
        this.metrics = metrics;
    }

    ProviderView view() {
        return view;
    }

    /** Applies desired states from {@code dns-desired}; unchanged records are audited as {@code noop}. */
    public void reconcile(Collection<Desired> names) throws RetryLater, MutationAudit.AuditUnavailable {
        apply(names, DnsMutation.Phase.APPLIED);
    }

    /** Repairs differences found by looking at the provider; each write's outcome is {@code drift-repaired}. */
    public void repair(Collection<Desired> names) throws RetryLater, MutationAudit.AuditUnavailable {
        apply(names, DnsMutation.Phase.DRIFT_REPAIRED);
    }

    /** How long until the provider's request budget allows the next request (zero: now). */
    public java.time.Duration untilNextRequest() {
        return provider.untilNextRequest();
    }

    /**
     * Gives the writes of changes now in effect everywhere (Route 53: INSYNC) their outcomes, then plans what was
     * deferred behind them.
     */
    public void confirmSynced() throws RetryLater, MutationAudit.AuditUnavailable {
        executor.confirmSynced();
        if (deferred.isEmpty()) {
            return;
        }
        Map<DnsMutation.Phase, List<Desired>> ready = new LinkedHashMap<>();
        for (Deferred d : List.copyOf(deferred.values())) {
            if (!executor.awaitsSync(d.desired().name())) {
                deferred.remove(d.desired().name());
                ready.computeIfAbsent(d.success(), p -> new ArrayList<>()).add(d.desired());
            }
        }
        for (var batch : ready.entrySet()) {
            apply(batch.getValue(), batch.getKey());
        }
    }

    /** Mutation ids of writes whose change is not in sync yet: not open, their outcomes are on the way. */
    Set<String> awaitingSyncIds() {
        return executor.awaitingSyncIds();
    }

    /** Gives writes whose answer was lost their outcomes, from a look at the provider; the view follows. */
    void settleUnanswered() throws RetryLater, MutationAudit.AuditUnavailable {
        executor.settleUnanswered();
    }

    /**
     * Desired states of names whose previous write still waits for its change to be in sync, the latest per name:
     * planned once that write has its outcome. One write per name is open at a time, so that an intent left open
     * by a crash can always be settled by what the provider shows at its name (a delete and a re-create both still
     * open would look like neither had happened). After a crash the zone reconciliation at start makes the
     * provider match whatever was deferred.
     */
    private final Map<String, Deferred> deferred = new LinkedHashMap<>();

    private record Deferred(Desired desired, DnsMutation.Phase success) {}

    private void apply(Collection<Desired> names, DnsMutation.Phase success)
            throws RetryLater, MutationAudit.AuditUnavailable {
        settleUnanswered(); // before planning: the plan must see what those writes did
        List<Desired> now = new ArrayList<>();
        for (Desired d : names) {
            if (executor.awaitsSync(d.name())) {
                deferred.put(d.name(), new Deferred(d, success));
            } else {
                deferred.remove(d.name());
                now.add(d);
            }
        }
        if (now.isEmpty()) {
            return;
        }
        BatchExecutor.Leftovers left = executor.execute(plan(now, success), success);
        if (!left.lookAgain().isEmpty()) {
            for (String name : left.lookAgain().keySet()) {
                try {
                    view.replaceAt(name, provider.recordsAt(name));
                } catch (ProviderException e) {
                    throw RetryLater.after(e);
                }
            }
            BatchExecutor.Leftovers again = executor.execute(plan(left.lookAgain().values(), success), success);
            again.lookAgain().forEach((name, d) -> left.refused().put(name,
                    "the provider refused the write again after a fresh look"));
            left.refused().putAll(again.refused());
        }
        for (var refused : left.refused().entrySet()) {
            giveUp(refused.getKey(), refused.getValue());
        }
    }

    /** Plans every name; audits noops and refusals on the way, returns the changes to make. */
    private List<BatchExecutor.Step> plan(Collection<Desired> names, DnsMutation.Phase success)
            throws MutationAudit.AuditUnavailable {
        List<BatchExecutor.Step> steps = new ArrayList<>();
        List<DnsMutation> noops = new ArrayList<>();
        for (Desired d : names) {
            DnsPlan plan = planner.plan(d.name(), d.record(), view.at(d.name()));
            if (plan.refusal() != null) {
                refuse(d, plan.refusal());
            } else if (plan.changes().isEmpty()) {
                // A noop confirms a record the provider already holds. An absence the provider already matches
                // confirms nothing (the topology reads no outcome of a name without a record), and a replay of a
                // long history would audit one per instance that ever ran: 122,750 of a million events' 125,750.
                if (success == DnsMutation.Phase.APPLIED && d.record() != null) {
                    noops.add(noop(d));
                }
            } else {
                plan.changes().forEach(c -> steps.add(new BatchExecutor.Step(d, c)));
            }
        }
        audit.recordAll(noops);
        metrics.counter("elephant.dns.mutations", "action", "none", "outcome", "noop").increment(noops.size());
        return steps;
    }

    private DnsMutation noop(Desired d) {
        return withoutWrite(d, DnsMutation.Phase.NOOP, false, null);
    }

    private DnsMutation withoutWrite(Desired d, DnsMutation.Phase phase, boolean deletion, String why) {
        return DnsMutation.withoutWrite(UUID.randomUUID().toString(), phase, deletion, d.name(),
                d.record() != null ? d.record().type() : "A", d.record() != null ? d.record().content() : null,
                d.instanceId(), d.causeId(), owner, why, clock.instant());
    }

    private void refuse(Desired d, String why) throws MutationAudit.AuditUnavailable {
        log.warn("not touching {}: {}", d.name(), why);
        audit.record(withoutWrite(d, DnsMutation.Phase.FAILED, false, why));
        audit.deadLetter(d.name(), DeadLetter.of("dns-conflict", why, "dns-sink",
                d.record() == null ? new byte[0] : Json.toBytes(d.record()), clock.instant()));
        metrics.counter("elephant.dns.conflicts").increment();
    }

    /**
     * A value on {@code dns-desired} that does not match the topic's schema (written by something other than
     * Elephant's topology): dead-lettered naming the fields; the name is left as it is, since what is wanted there
     * cannot be told.
     */
    void refuseUnreadable(String name, List<String> problems, byte[] value) throws MutationAudit.AuditUnavailable {
        String why = String.join("; ", problems);
        log.warn("a value on dns-desired for {} does not match its schema, left alone: {}", name, why);
        audit.deadLetter(name, DeadLetter.of(TopicSchemas.reason(problems), why, "dns-desired", value,
                clock.instant()));
        metrics.counter("elephant.dns.refused").increment();
    }

    private void giveUp(String name, String why) throws MutationAudit.AuditUnavailable {
        log.error("giving up on {}: {}", name, why);
        audit.deadLetter(name, DeadLetter.of("dns-refused", why, "dns-sink", new byte[0], clock.instant()));
        metrics.counter("elephant.dns.refused").increment();
    }
}
