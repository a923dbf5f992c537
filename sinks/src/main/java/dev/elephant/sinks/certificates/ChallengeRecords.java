package dev.elephant.sinks.certificates;

import dev.elephant.events.DnsMutation;
import dev.elephant.sinks.dns.IntentSettlement;
import dev.elephant.sinks.dns.audit.MutationAudit;
import dev.elephant.sinks.dns.plan.OwnershipMark;
import dev.elephant.sinks.dns.provider.DnsProvider;
import dev.elephant.sinks.dns.provider.ProviderException;
import dev.elephant.sinks.dns.provider.ProviderRecord;
import dev.elephant.sinks.dns.provider.RecordBatch;
import dev.elephant.sinks.dns.provider.RecordSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes and removes the DNS-01 challenge records ({@code _acme-challenge.{name}} TXT) through Elephant's own DNS
 * provider, accountable like every record: an intent on {@code dns-mutations} before each write and its outcome
 * after it, caused by the certificate attempt. The records carry the challenge mark ({@link
 * OwnershipMark#challengeText()}); the provider given here is gated on it, so this class can write and delete
 * challenge records of this deployment and nothing else, and the DNS sink's drift repair never sees them.
 */
public final class ChallengeRecords {

    private static final Logger log = LoggerFactory.getLogger(ChallengeRecords.class);
    public static final String PREFIX = "_acme-challenge.";
    /** Short, so a stale value is not cached long; 60 s is the lowest TTL Cloudflare takes outside Enterprise. */
    static final int TTL = 60;
    private static final Duration SYNC_POLL = Duration.ofSeconds(1);

    private final DnsProvider provider;
    private final MutationAudit audit;
    private final String mark;
    private final String ownerId;
    private final String domain;
    private final Clock clock;
    private final Duration syncTimeout;

    /**
     * @param provider    the configured provider, gated on {@code mark.challengeText()}
     * @param syncTimeout how long a write may take to be in effect at every name server (Route 53: INSYNC)
     */
    public ChallengeRecords(DnsProvider provider, MutationAudit audit, OwnershipMark mark, String domain, Clock clock,
                            Duration syncTimeout) {
        this.provider = provider;
        this.audit = audit;
        this.mark = mark.challengeText();
        this.ownerId = mark.ownerId();
        this.domain = domain;
        this.clock = clock;
        this.syncTimeout = syncTimeout;
    }

    /** The record name the challenge of {@code identifier} ({@code elephant.test} for {@code *.elephant.test}) asks for. */
    public String nameFor(String identifier) {
        String base = identifier.toLowerCase(Locale.ROOT);
        base = base.startsWith("*.") ? base.substring(2) : base;
        base = base.endsWith(".") ? base.substring(0, base.length() - 1) : base;
        if (!base.equals(domain) && !base.endsWith("." + domain)) {
            throw new IllegalArgumentException("a challenge for " + identifier + ", which is not under " + domain);
        }
        return PREFIX + base;
    }

    /**
     * Writes the challenge's TXT record and waits until the provider says it is in effect everywhere.
     *
     * @throws ProviderException when it was not written or not confirmed in time (an intent's outcome says which)
     */
    public void write(String name, String digest, String attemptId) throws ProviderException,
            MutationAudit.AuditUnavailable, InterruptedException {
        requireChallengeName(name);
        DnsMutation intent = DnsMutation.intent(UUID.randomUUID().toString(), DnsMutation.Phase.INTENT,
                DnsMutation.Action.CREATE, name, "TXT", digest, null, null, null, attemptId, ownerId, clock.instant());
        audit.record(intent);
        RecordBatch.Result result;
        try {
            result = provider.batch(new RecordBatch(List.of(), List.of(),
                    List.of(new RecordSpec(name, "TXT", digest, TTL, mark))));
        } catch (ProviderException e) {
            settle(intent, e);
            throw e;
        }
        String id = result.posted().isEmpty() ? null : result.posted().get(0).id();
        audit.record(intent.outcome(DnsMutation.Phase.APPLIED, id, "challenge record for certificate attempt "
                + attemptId, clock.instant()));
        awaitInSync(result.pendingChange(), name);
    }

    /** Deletes every challenge record of this deployment at {@code name}; how many there were. */
    public int remove(String name, String attemptId, String why) throws ProviderException,
            MutationAudit.AuditUnavailable {
        requireChallengeName(name);
        List<ProviderRecord> ours = new ArrayList<>();
        for (ProviderRecord r : provider.recordsAt(name)) {
            if (r.type().equals("TXT") && mark.equalsIgnoreCase(r.mark())) {
                ours.add(r);
            }
        }
        if (ours.isEmpty()) {
            return 0;
        }
        List<DnsMutation> intents = new ArrayList<>();
        for (ProviderRecord r : ours) {
            intents.add(DnsMutation.intent(UUID.randomUUID().toString(), DnsMutation.Phase.INTENT,
                    DnsMutation.Action.DELETE, name, "TXT", null, r.content(), r.id(), null, attemptId, ownerId,
                    clock.instant()));
        }
        audit.recordAll(intents);
        try {
            RecordBatch.Result result = provider.batch(new RecordBatch(ours, List.of(), List.of()));
            try {
                awaitInSync(result.pendingChange(), name);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } catch (ProviderException e) {
            for (DnsMutation intent : intents) {
                settle(intent, e);
            }
            throw e;
        }
        audit.recordAll(intents.stream().map(i -> i.outcome(DnsMutation.Phase.APPLIED, null, why, clock.instant()))
                .toList());
        return ours.size();
    }

    /**
     * Settles intents a restart left without an outcome (a challenge write cut short): the provider's records at the
     * name say whether each happened.
     */
    public void settle(List<DnsMutation> open, String why) throws ProviderException, MutationAudit.AuditUnavailable {
        List<DnsMutation> outcomes = new ArrayList<>();
        for (DnsMutation intent : open) {
            requireChallengeName(intent.name());
            List<ProviderRecord> ours = provider.recordsAt(intent.name()).stream()
                    .filter(r -> mark.equalsIgnoreCase(r.mark())).toList();
            outcomes.add(IntentSettlement.outcomeOf(intent, ours, why, clock.instant()));
        }
        audit.recordAll(outcomes);
    }

    /** An answer lost or refused: the provider's records say whether the write happened. */
    private void settle(DnsMutation intent, ProviderException cause) throws MutationAudit.AuditUnavailable {
        DnsMutation outcome;
        try {
            List<ProviderRecord> ours = provider.recordsAt(intent.name()).stream()
                    .filter(r -> mark.equalsIgnoreCase(r.mark())).toList();
            outcome = IntentSettlement.outcomeOf(intent, ours, cause.getMessage(), clock.instant());
        } catch (ProviderException again) {
            // Not known now; the next attempt removes what is left at the name, with an outcome of its own.
            outcome = intent.outcome(DnsMutation.Phase.FAILED, null, cause.getMessage()
                    + "; whether it happened is not known (the next attempt removes any challenge record left)",
                    clock.instant());
        }
        audit.record(outcome);
    }

    private void awaitInSync(String change, String name) throws ProviderException, InterruptedException {
        if (change == null) {
            return;
        }
        long deadline = System.nanoTime() + syncTimeout.toNanos();
        while (!provider.inSync(change)) {
            if (System.nanoTime() > deadline) {
                throw new ProviderException(ProviderException.Kind.RETRYABLE, "the change to " + name + " (" + change
                        + ") was not in sync within " + syncTimeout.toSeconds() + " s", null, null);
            }
            Thread.sleep(SYNC_POLL.toMillis());
        }
        log.debug("challenge change {} at {} in sync", change, name);
    }

    private void requireChallengeName(String name) {
        if (!name.startsWith(PREFIX) || !(name.equals(PREFIX + domain) || name.endsWith("." + domain))) {
            throw new IllegalArgumentException(name + " is not a challenge name under " + domain);
        }
    }
}
