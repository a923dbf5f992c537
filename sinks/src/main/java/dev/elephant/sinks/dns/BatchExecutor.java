package dev.elephant.sinks.dns;

import dev.elephant.events.DnsMutation;
import dev.elephant.sinks.dns.audit.MutationAudit;
import dev.elephant.sinks.dns.plan.DnsPlan;
import dev.elephant.sinks.dns.provider.DnsProvider;
import dev.elephant.sinks.dns.provider.ProviderException;
import dev.elephant.sinks.dns.provider.ProviderRecord;
import dev.elephant.sinks.dns.provider.RecordBatch;
import dev.elephant.sinks.dns.provider.RecordSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Sends planned changes to the provider in batches as large as the provider takes, each write
 * audited: all intents of a batch are acknowledged before the request, one outcome per intent after
 * it. A batch the provider refuses is all-or-nothing, so it is split in halves until the change it
 * refuses stands alone; that change is reported back for a fresh look at its name. A refusal that is not
 * about a change (credentials, a full zone) stops the batch instead, to be tried again in
 * {@link RetryLater#BLOCKED_RETRY}.
 */
final class BatchExecutor {

    /** One planned change and the desired state it serves. */
    record Step(Desired desired, DnsPlan.Change change) {}

    /** Changes that did not go through: those to look at again, and those that never will. */
    record Leftovers(Map<String, Desired> lookAgain, Map<String, String> refused) {}

    private final DnsProvider provider;
    private final MutationAudit audit;
    private final ProviderView view;
    private final int maxBatch;
    private final String owner;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Timer eventToApplied;
    private final boolean dryRun;

    BatchExecutor(DnsProvider provider, MutationAudit audit, ProviderView view, int maxBatch, String owner, Clock clock,
                  MeterRegistry metrics, boolean dryRun) {
        this.dryRun = dryRun;
        this.provider = provider;
        this.audit = audit;
        this.view = view;
        this.maxBatch = maxBatch;
        this.owner = owner;
        this.clock = clock;
        this.metrics = metrics;
        this.eventToApplied = Timer.builder("elephant.dns.event.to.applied")
                .description("from the event that changed a record (its event time) to the provider applying it")
                .publishPercentileHistogram()
                .register(metrics);
    }

    /**
     * Writes sent without an answer: their intents are on the audit trail, their outcomes not yet.
     * {@code seen} keeps what each name looked like once a lookup succeeded, so that a retry after a
     * failed lookup asks only for the names still unknown — asking for all again, a chunk of 20 names
     * under 35 % failing requests would almost never see every lookup succeed in one go.
     */
    private record Unanswered(List<String> ids, List<Step> chunk, DnsMutation.Phase success,
                              Map<String, List<ProviderRecord>> seen) {}

    private final List<Unanswered> unanswered = new ArrayList<>();

    Leftovers execute(List<Step> steps, DnsMutation.Phase success) throws RetryLater, MutationAudit.AuditUnavailable {
        Leftovers left = new Leftovers(new LinkedHashMap<>(), new LinkedHashMap<>());
        for (int from = 0; from < steps.size(); from += maxBatch) {
            run(steps.subList(from, Math.min(steps.size(), from + maxBatch)), success, left);
        }
        return left;
    }

    private void run(List<Step> chunk, DnsMutation.Phase success, Leftovers left)
            throws RetryLater, MutationAudit.AuditUnavailable {
        List<String> ids = new ArrayList<>();
        List<DnsMutation> intents = new ArrayList<>();
        for (Step s : chunk) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            intents.add(mutation(id, dryRun ? DnsMutation.Phase.DRY_RUN : DnsMutation.Phase.INTENT, s, null, null));
        }
        try {
            audit.recordAll(intents);
        } catch (MutationAudit.AuditUnavailable e) {
            // The intents may still reach the topic (the audit keeps them until they do); the write is
            // not sent, so each gets the outcome that says so, kept by the audit behind its intent.
            if (!dryRun) {
                audit.recordLater(failed(ids, chunk, "not sent: the audit trail did not acknowledge the intent in time"));
            }
            throw e;
        }
        if (dryRun) {
            count(chunk, "dry-run");
            return; // the view stays as the provider is: the same change is planned again while it is wanted
        }
        RecordBatch batch = toBatch(chunk);
        RecordBatch.Result result;
        Timer.Sample sample = Timer.start(metrics);
        try {
            result = provider.batch(batch);
            sample.stop(timer("ok"));
        } catch (ProviderException e) {
            sample.stop(timer(e.kind().name().toLowerCase(Locale.ROOT)));
            if (e.isOutcomeUnknown()) {
                // The batch may have been applied: its outcomes come from a look at the provider first thing
                // next time, not from a guess now (which would record "failed" for what happened).
                unanswered.add(new Unanswered(List.copyOf(ids), List.copyOf(chunk), success, new HashMap<>()));
                count(chunk, "unanswered");
                throw RetryLater.after(e);
            }
            audit.recordAll(failed(ids, chunk, e.getMessage()));
            count(chunk, "failed");
            if (e.kind() == ProviderException.Kind.RETRYABLE || e.kind() == ProviderException.Kind.BLOCKED) {
                // BLOCKED is not about any change of the chunk: halving would repeat the refusal once per change.
                throw RetryLater.after(e);
            }
            if (chunk.size() > 1) {
                int half = chunk.size() / 2;
                run(chunk.subList(0, half), success, left);
                run(chunk.subList(half, chunk.size()), success, left);
                return;
            }
            Step alone = chunk.get(0);
            if (e.kind() == ProviderException.Kind.ALREADY_DONE) {
                left.lookAgain().put(alone.desired().name(), alone.desired());
            } else {
                left.refused().put(alone.desired().name(), e.getMessage());
            }
            return;
        }
        view.applied(batch, result);
        List<DnsMutation> outcomes = new ArrayList<>();
        int patched = 0;
        int posted = 0;
        for (int i = 0; i < chunk.size(); i++) {
            Step s = chunk.get(i);
            ProviderRecord after = switch (s.change().action()) {
                case DELETE -> s.change().existing();
                case UPDATE -> result.patched().get(patched++);
                case CREATE -> result.posted().get(posted++);
            };
            outcomes.add(mutation(ids.get(i), success, s, after.id(), null));
        }
        audit.recordAll(outcomes);
        count(chunk, success == DnsMutation.Phase.APPLIED ? "applied" : "drift-repaired");
        if (success == DnsMutation.Phase.APPLIED) {
            java.time.Instant now = clock.instant();
            for (Step s : chunk) {
                if (s.desired().eventTime() != null) {
                    eventToApplied.record(java.time.Duration.between(s.desired().eventTime(), now));
                }
            }
        }
    }

    /** Gives each write that went unanswered its outcome, by what the provider shows at its name now. */
    void settleUnanswered() throws RetryLater, MutationAudit.AuditUnavailable {
        while (!unanswered.isEmpty()) {
            Unanswered u = unanswered.get(0);
            List<DnsMutation> outcomes = new ArrayList<>();
            for (int i = 0; i < u.chunk().size(); i++) {
                Step s = u.chunk().get(i);
                String name = s.desired().name();
                List<ProviderRecord> now = u.seen().get(name);
                if (now == null) {
                    try {
                        now = provider.recordsAt(name);
                    } catch (ProviderException e) {
                        throw RetryLater.after("looking up writes whose answer was lost (" + u.seen().size() + " of "
                                + u.chunk().size() + " names seen): " + e.getMessage(), e);
                    }
                    u.seen().put(name, now);
                }
                view.replaceAt(name, now);
                String mark = s.change().spec() != null ? s.change().spec().comment() : s.change().existing().comment();
                List<ProviderRecord> owned = now.stream().filter(r -> Objects.equals(mark, r.comment())).toList();
                DnsMutation intent = mutation(u.ids().get(i), DnsMutation.Phase.INTENT, s, null, null);
                DnsMutation outcome = IntentSettlement.outcomeOf(intent, owned, "the answer was lost", clock.instant());
                if (outcome.phase() == DnsMutation.Phase.APPLIED && u.success() != DnsMutation.Phase.APPLIED) {
                    outcome = new DnsMutation(outcome.schemaVersion(), outcome.mutationId(), u.success(),
                            outcome.action(), outcome.name(), outcome.type(), outcome.content(),
                            outcome.previousContent(), outcome.providerRecordId(), outcome.instanceId(),
                            outcome.causeId(), outcome.owner(), outcome.error(), outcome.time());
                }
                outcomes.add(outcome);
            }
            // Decided once: from here the audit holds these outcomes until the broker has them.
            unanswered.remove(0);
            audit.recordAll(outcomes);
        }
    }

    /** A {@code failed} outcome, saying {@code why}, for each step of the chunk under its intent's id. */
    private List<DnsMutation> failed(List<String> ids, List<Step> chunk, String why) {
        List<DnsMutation> failed = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
            failed.add(mutation(ids.get(i), DnsMutation.Phase.FAILED, chunk.get(i), null, why));
        }
        return failed;
    }

    /** The batch lists deletes, patches and posts in the order of the chunk within each kind. */
    private static RecordBatch toBatch(List<Step> chunk) {
        List<ProviderRecord> deletes = new ArrayList<>();
        List<RecordBatch.Patch> patches = new ArrayList<>();
        List<RecordSpec> posts = new ArrayList<>();
        for (Step s : chunk) {
            switch (s.change().action()) {
                case DELETE -> deletes.add(s.change().existing());
                case UPDATE -> patches.add(new RecordBatch.Patch(s.change().existing(), s.change().spec()));
                case CREATE -> posts.add(s.change().spec());
            }
        }
        return new RecordBatch(deletes, patches, posts);
    }

    private Timer timer(String outcome) {
        return metrics.timer("elephant.provider.calls", "provider", provider.name(), "operation", "batch", "outcome",
                outcome);
    }

    private void count(List<Step> chunk, String outcome) {
        for (Step s : chunk) {
            metrics.counter("elephant.dns.mutations", "action", s.change().action().name().toLowerCase(Locale.ROOT),
                    "outcome", outcome).increment();
        }
    }

    DnsMutation mutation(String mutationId, DnsMutation.Phase phase, Step s, String recordId, String error) {
        DnsPlan.Change c = s.change();
        DnsMutation.Action action = DnsMutation.Action.valueOf(c.action().name());
        String content = c.spec() != null ? c.spec().content() : null;
        String previous = c.existing() != null ? c.existing().content() : null;
        String id = recordId != null ? recordId : c.existing() != null ? c.existing().id() : null;
        String type = c.spec() != null ? c.spec().type() : c.existing().type();
        return new DnsMutation(DnsMutation.SCHEMA_VERSION, mutationId, phase, action, s.desired().name(), type, content,
                previous, id, s.desired().instanceId(), s.desired().causeId(), owner, error, clock.instant());
    }
}
