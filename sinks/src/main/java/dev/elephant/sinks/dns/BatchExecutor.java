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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
    private record Unanswered(List<DnsMutation> intents, List<Step> chunk, DnsMutation.Phase success,
                              Map<String, List<ProviderRecord>> seen) {}

    private final List<Unanswered> unanswered = new ArrayList<>();

    /**
     * Writes the provider took but has not yet put in effect everywhere (Route 53: PENDING until INSYNC). Their
     * outcomes wait for that, so that {@code applied} — and with it a confirmed record and a ready meeting — means
     * that DNS answers with the write.
     */
    private record AwaitingSync(List<DnsMutation> intents, List<Step> chunk, RecordBatch.Result result,
                                DnsMutation.Phase success) {}

    /** Oldest first. */
    private final List<AwaitingSync> awaitingSync = new ArrayList<>();
    /** How many of the writes awaiting sync are at each name. */
    private final Map<String, Integer> awaitingByName = new HashMap<>();
    private Instant lastSyncCheck = Instant.MIN;
    /** How often the oldest pending change is asked about: each question is a request under the rate limit. */
    static final Duration SYNC_CHECK_INTERVAL = Duration.ofSeconds(1);

    Leftovers execute(List<Step> steps, DnsMutation.Phase success) throws RetryLater, MutationAudit.AuditUnavailable {
        Leftovers left = new Leftovers(new LinkedHashMap<>(), new LinkedHashMap<>());
        for (int from = 0; from < steps.size(); from += maxBatch) {
            run(steps.subList(from, Math.min(steps.size(), from + maxBatch)), success, left);
        }
        return left;
    }

    /** One chunk: its intents on the audit trail, then one batch request, then one outcome per intent. */
    private void run(List<Step> chunk, DnsMutation.Phase success, Leftovers left)
            throws RetryLater, MutationAudit.AuditUnavailable {
        List<DnsMutation> intents = sendIntents(chunk);
        if (dryRun) {
            count(chunk, "dry-run");
            return; // the view stays as the provider is: the same change is planned again while it is wanted
        }
        RecordBatch batch = toBatch(chunk);
        RecordBatch.Result result;
        try {
            result = send(batch);
        } catch (ProviderException e) {
            refused(chunk, intents, success, left, e);
            return;
        }
        view.applied(batch, result);
        if (result.pendingChange() != null) {
            awaitingSync.add(new AwaitingSync(List.copyOf(intents), List.copyOf(chunk), result, success));
            chunk.forEach(s -> awaitingByName.merge(s.desired().name(), 1, Integer::sum));
            count(chunk, "pending");
            return;
        }
        recordOutcomes(chunk, intents, result, success);
    }

    /**
     * Gives the writes of changes now in effect everywhere their outcomes. Only the oldest pending change is
     * asked about, at most once per {@link #SYNC_CHECK_INTERVAL}, and the next only once it is in sync: a
     * provider propagates a zone's changes in the order it took them, so asking about a later one first would
     * spend requests for nothing, and the outcomes keep the order of the writes.
     */
    void confirmSynced() throws MutationAudit.AuditUnavailable {
        Instant now = clock.instant();
        if (awaitingSync.isEmpty() || now.isBefore(lastSyncCheck.plus(SYNC_CHECK_INTERVAL))) {
            return;
        }
        lastSyncCheck = now;
        while (!awaitingSync.isEmpty()) {
            AwaitingSync oldest = awaitingSync.get(0);
            try {
                if (!provider.inSync(oldest.result().pendingChange())) {
                    return;
                }
            } catch (ProviderException e) {
                return; // asked again next time; the health of the provider shows the failure
            }
            awaitingSync.remove(0);
            oldest.chunk().forEach(s -> awaitingByName.computeIfPresent(s.desired().name(), (n, c) -> c == 1 ? null
                    : c - 1));
            recordOutcomes(oldest.chunk(), oldest.intents(), oldest.result(), oldest.success());
        }
    }

    /** The mutation ids of writes waiting for their change to be in sync: their intents are not open. */
    Set<String> awaitingSyncIds() {
        Set<String> ids = new HashSet<>();
        awaitingSync.forEach(a -> a.intents().forEach(i -> ids.add(i.mutationId())));
        return ids;
    }

    /** Whether a write to {@code name} waits for its change to be in sync. */
    boolean awaitsSync(String name) {
        return awaitingByName.containsKey(name);
    }

    int awaitingSyncCount() {
        return awaitingSync.size();
    }

    /** Every intent of the chunk acknowledged on the audit trail before any provider call. */
    private List<DnsMutation> sendIntents(List<Step> chunk) throws MutationAudit.AuditUnavailable {
        List<DnsMutation> intents = new ArrayList<>();
        for (Step s : chunk) {
            intents.add(intentOf(s, dryRun ? DnsMutation.Phase.DRY_RUN : DnsMutation.Phase.INTENT));
        }
        try {
            audit.recordAll(intents);
        } catch (MutationAudit.AuditUnavailable e) {
            // The intents may still reach the topic (the audit keeps them until they do); the write is
            // not sent, so each gets the outcome that says so, kept by the audit behind its intent.
            if (!dryRun) {
                audit.recordLater(failed(intents, "not sent: the audit trail did not acknowledge the intent in time"));
            }
            throw e;
        }
        return intents;
    }

    private RecordBatch.Result send(RecordBatch batch) throws ProviderException {
        Timer.Sample sample = Timer.start(metrics);
        try {
            RecordBatch.Result result = provider.batch(batch);
            sample.stop(timer("ok"));
            return result;
        } catch (ProviderException e) {
            sample.stop(timer(e.kind().name().toLowerCase(Locale.ROOT)));
            throw e;
        }
    }

    /**
     * A batch the provider did not take. Unanswered: its outcomes come from a look later. Retryable or
     * blocked: failed now, tried again later as a whole. Refused because of one of its changes: split in halves
     * until that change stands alone, which is then looked at again (it already exists or is already gone) or
     * given up.
     */
    private void refused(List<Step> chunk, List<DnsMutation> intents, DnsMutation.Phase success, Leftovers left,
                         ProviderException e) throws RetryLater, MutationAudit.AuditUnavailable {
        if (e.isOutcomeUnknown()) {
            // The batch may have been applied: its outcomes come from a look at the provider first thing
            // next time, not from a guess now (which would record "failed" for what happened).
            unanswered.add(new Unanswered(List.copyOf(intents), List.copyOf(chunk), success, new HashMap<>()));
            count(chunk, "unanswered");
            throw RetryLater.after(e);
        }
        audit.recordAll(failed(intents, e.getMessage()));
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
    }

    /** One outcome per intent, naming the provider's record each write made or changed. */
    private void recordOutcomes(List<Step> chunk, List<DnsMutation> intents, RecordBatch.Result result,
                                DnsMutation.Phase success) throws MutationAudit.AuditUnavailable {
        Instant now = clock.instant();
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
            outcomes.add(intents.get(i).outcome(success, after.id(), null, now));
        }
        audit.recordAll(outcomes);
        count(chunk, success == DnsMutation.Phase.APPLIED ? "applied" : "drift-repaired");
        if (success == DnsMutation.Phase.APPLIED) {
            for (Step s : chunk) {
                if (s.desired().eventTime() != null) {
                    eventToApplied.record(Duration.between(s.desired().eventTime(), now));
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
                String mark = s.change().spec() != null ? s.change().spec().mark() : s.change().existing().mark();
                List<ProviderRecord> owned = now.stream().filter(r -> Objects.equals(mark, r.mark())).toList();
                DnsMutation outcome = IntentSettlement.outcomeOf(u.intents().get(i), owned, "the answer was lost",
                        clock.instant());
                if (outcome.phase() == DnsMutation.Phase.APPLIED && u.success() != DnsMutation.Phase.APPLIED) {
                    outcome = outcome.withPhase(u.success());
                }
                outcomes.add(outcome);
            }
            // Decided once: from here the audit holds these outcomes until the broker has them.
            unanswered.remove(0);
            audit.recordAll(outcomes);
        }
    }

    /** A {@code failed} outcome, saying {@code why}, for each intent. */
    private List<DnsMutation> failed(List<DnsMutation> intents, String why) {
        Instant now = clock.instant();
        return intents.stream().map(i -> i.outcome(DnsMutation.Phase.FAILED, null, why, now)).toList();
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

    /** The intent of a planned change, under a new mutation id. */
    private DnsMutation intentOf(Step s, DnsMutation.Phase phase) {
        DnsPlan.Change c = s.change();
        return DnsMutation.intent(UUID.randomUUID().toString(), phase, DnsMutation.Action.valueOf(c.action().name()),
                s.desired().name(), c.spec() != null ? c.spec().type() : c.existing().type(),
                c.spec() != null ? c.spec().content() : null, c.existing() != null ? c.existing().content() : null,
                c.existing() != null ? c.existing().id() : null, s.desired().instanceId(), s.desired().causeId(), owner,
                clock.instant());
    }
}
