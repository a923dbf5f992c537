package dev.elephant.sinks.dns;

import dev.elephant.events.DnsMutation;
import dev.elephant.events.Json;
import dev.elephant.sinks.LatestRecords;
import dev.elephant.sinks.TopicSnapshot;
import dev.elephant.sinks.dns.audit.MutationAudit;
import dev.elephant.sinks.dns.plan.OwnershipMark;
import dev.elephant.sinks.dns.provider.DnsProvider;
import dev.elephant.sinks.dns.provider.ProviderException;
import dev.elephant.sinks.dns.provider.ProviderRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the whole desired state of some partitions of {@code dns-desired} with what the provider
 * holds under Elephant's mark, and repairs every difference: records deleted or changed by hand,
 * records leaked by a lost event, records a crash left half-done. Each time it first settles every
 * intent on {@code dns-mutations} that has no outcome, by looking at whether the write happened: at
 * start those a crash left; later any whose outcome went missing, so that the audit is complete within
 * one interval whatever happened. Where settlement got to is kept in Kafka ({@link SettlementCheckpoint}),
 * so a start or a rebalance reads the audit from there, not from its beginning. It runs on the sink's
 * thread between batches, when none of this process's writes is under way, so an intent without an
 * outcome then is one that will never get one.
 */
public final class ZoneReconciliation implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ZoneReconciliation.class);
    /** A read of a topic gives up only when it stops making progress, however long the topic. */
    private static final Duration READ_STALL = Duration.ofSeconds(60);

    private final Map<String, Object> kafka;
    private final String desiredTopic;
    private final String mutationsTopic;
    private final DnsProvider provider;
    private final OwnershipMark mark;
    private final MutationAudit audit;
    private final DnsReconciler reconciler;
    private final Clock clock;
    private volatile Instant lastRun;
    private volatile long lastRepaired;
    /** Per partition of {@code dns-mutations}, where the last settlement read to: every intent before is settled. */
    private final Map<TopicPartition, Long> settledUpTo = new HashMap<>();
    private final SettlementCheckpoint checkpoint;
    private volatile long lastSettlementRead;
    private volatile long settlementRead;
    private volatile LatestRecords.Read readAhead;

    /**
     * @param checkpointGroup the consumer group whose offsets keep where settlement got to in {@code dns-mutations}
     *                        (one per deployment: every instance of it shares it)
     */
    public ZoneReconciliation(Map<String, Object> kafka, String desiredTopic, String mutationsTopic, DnsProvider provider,
                       OwnershipMark mark, MutationAudit audit, DnsReconciler reconciler,
                       Clock clock, String checkpointGroup) {
        this.checkpoint = new SettlementCheckpoint(kafka, checkpointGroup);
        this.kafka = kafka;
        this.desiredTopic = desiredTopic;
        this.mutationsTopic = mutationsTopic;
        this.provider = provider;
        this.mark = mark;
        this.audit = audit;
        this.reconciler = reconciler;
        this.clock = clock;
    }

    /** The desired state of the partitions read, and where each partition ended. */
    record Snapshot(Map<String, ConsumerRecord<String, byte[]>> latest, Map<TopicPartition, Long> endOffsets) {}

    /**
     * Reconciles the names of the given {@code dns-desired} partitions.
     *
     * @param totalPartitions how many partitions {@code dns-desired} has (names map to partitions by key hash)
     */
    /** When the last reconciliation ended, null before the first. */
    public Instant lastRun() {
        return lastRun;
    }

    /** How many names the last reconciliation repaired. */
    public long lastRepaired() {
        return lastRepaired;
    }

    /**
     * What was read of {@code dns-desired} before the sink started (a replay's DNS sink follows it while the topology
     * catches up): the next run starts from there instead of from the beginning. Used once.
     */
    public void startFrom(LatestRecords.Read read) {
        readAhead = read;
    }

    Snapshot run(Collection<TopicPartition> partitions, int totalPartitions)
            throws TimeoutException, RetryLater, MutationAudit.AuditUnavailable {
        reconciler.settleUnanswered(); // before the listing, so the outcomes of lost answers come first
        Set<Integer> mine = partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
        // Only the latest record per name is kept: a long topic (every change since its last compaction) costs the
        // names' count in memory, not the records'.
        Map<String, ConsumerRecord<String, byte[]>> latest = new LinkedHashMap<>();
        long started = System.nanoTime();
        long[] desiredRead = {0};
        Map<TopicPartition, Long> from = new HashMap<>();
        LatestRecords.Read ahead = readAhead;
        readAhead = null;
        if (ahead != null && ahead.positions().keySet().containsAll(partitions)) {
            // What a replay's wait read: only the records since are left to read.
            ahead.latest().forEach((name, r) -> {
                if (mine.contains(r.partition())) {
                    latest.put(name, r);
                }
            });
            partitions.forEach(p -> from.put(p, ahead.positions().get(p)));
        }
        Map<TopicPartition, Long> ends = TopicSnapshot.scan(kafka, partitions, from, READ_STALL, r -> {
            desiredRead[0]++;
            latest.put(r.key(), r);
        });
        long desiredMillis = (System.nanoTime() - started) / 1_000_000;

        List<ProviderRecord> owned;
        try {
            owned = provider.recordsMarked(mark.text()).stream()
                    .filter(r -> mine.contains(TopicSnapshot.partitionOf(r.name(), totalPartitions)))
                    .toList();
        } catch (ProviderException e) {
            throw RetryLater.after(e);
        }
        long settling = System.nanoTime();
        settleOpenIntents(mine, totalPartitions, owned);
        long settleMillis = (System.nanoTime() - settling) / 1_000_000;
        reconciler.view().replace(name -> mine.contains(TopicSnapshot.partitionOf(name, totalPartitions)), owned);
        Map<String, Desired> names = new TreeMap<>();
        for (ProviderRecord r : owned) {
            String name = r.name().toLowerCase(java.util.Locale.ROOT);
            names.put(name, new Desired(name, null, null));
        }
        latest.forEach((name, r) -> {
            if (r.value() != null && !Desired.readable(r)) {
                // What is wanted there cannot be told: the name is left as it is (the sink dead-letters the value).
                names.remove(name);
            } else if (r.value() != null || names.containsKey(name)) {
                names.put(name, Desired.of(r));
            }
        });
        long repairedBefore = audit.driftRepaired();
        reconciler.repair(names.values());
        lastRepaired = audit.driftRepaired() - repairedBefore;
        lastRun = clock.instant();
        log.info("DNS reconciliation of {} partition(s) of {}: {} name(s) desired or owned by Elephant, {} repaired; "
                        + "{} desired record(s) read in {} ms{}, open intents settled in {} ms, {} ms in all",
                partitions.size(), desiredTopic, names.size(), lastRepaired, desiredRead[0], desiredMillis,
                from.isEmpty() ? "" : " (" + ahead.recordsRead() + " read before, while the topology caught up)",
                settleMillis, (System.nanoTime() - started) / 1_000_000);
        return new Snapshot(latest, ends);
    }

    /**
     * An intent without an outcome is a write that may or may not have happened before a crash.
     * The provider's records tell which: the outcome is written with the intent's mutation id.
     */
    private void settleOpenIntents(Set<Integer> mine, int totalPartitions, List<ProviderRecord> owned)
            throws TimeoutException, MutationAudit.AuditUnavailable {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p : mine) {
            partitions.add(new TopicPartition(mutationsTopic, p));
        }
        audit.awaitPending(); // outcomes decided earlier must be on the topic before it is read for open intents
        // A partition this process has not settled yet (at start, after a rebalance) starts where the last
        // settlement of it, by any instance, ended: the cost does not grow with the audit's length.
        Map<TopicPartition, Long> from = new HashMap<>(settledUpTo);
        List<TopicPartition> unknown = partitions.stream().filter(p -> !settledUpTo.containsKey(p)).toList();
        Set<TopicPartition> fromCheckpoint = new HashSet<>();
        if (!unknown.isEmpty()) {
            Map<TopicPartition, Long> saved = checkpoint.load(unknown);
            from.putAll(saved);
            fromCheckpoint.addAll(saved.keySet());
        }
        // dns-mutations is keyed by name like dns-desired; with the same partition count the names of a
        // dns-desired partition are all in the dns-mutations partition of the same number.
        Map<String, DnsMutation> open = new LinkedHashMap<>();
        // Writes whose change is still propagating are not open: their outcomes come when it is in sync.
        Set<String> inFlight = reconciler.awaitingSyncIds();
        long[] read = {0};
        lastSettlementRead = 0;
        Map<TopicPartition, Long> ends = TopicSnapshot.scan(kafka, partitions, from, READ_STALL, r -> {
            read[0]++;
            DnsMutation m;
            try {
                m = Json.fromBytes(r.value(), DnsMutation.class);
            } catch (RuntimeException e) {
                return;
            }
            // A name whose first label starts with '_' is a service name, never an instance's: the ACME challenge
            // records (_acme-challenge.…) carry a mark of their own and their writer settles their intents.
            if (!mark.ownerId().equals(m.owner()) || m.mutationId() == null || m.name() == null
                    || m.name().startsWith("_")
                    || !mine.contains(TopicSnapshot.partitionOf(m.name(), totalPartitions))) {
                return;
            }
            if (m.phase() == DnsMutation.Phase.INTENT && !inFlight.contains(m.mutationId())) {
                open.put(m.mutationId(), m);
            } else {
                open.remove(m.mutationId());
            }
        });
        lastSettlementRead = read[0];
        settlementRead += read[0]; // only the sink's thread writes it
        if (!unknown.isEmpty()) {
            log.info("settlement of {}: {} audit record(s) read ({} partition(s) from the checkpoint, {} from the "
                    + "beginning)", unknown, read[0], fromCheckpoint.size(), unknown.size() - fromCheckpoint.size());
        }
        List<DnsMutation> outcomes = new ArrayList<>();
        for (DnsMutation intent : open.values()) {
            boolean atStart = !settledUpTo.containsKey(new TopicPartition(mutationsTopic,
                    TopicSnapshot.partitionOf(intent.name(), totalPartitions)));
            DnsMutation outcome = IntentSettlement.outcomeOf(intent, owned,
                    atStart ? "settled at start" : "settled by the reconciliation", clock.instant());
            outcomes.add(outcome);
            String happened = outcome.phase() == DnsMutation.Phase.APPLIED ? "applied" : "did not happen";
            if (atStart) {
                log.info("settled an open intent for {} ({}): {}", intent.name(), intent.action(), happened);
            } else {
                // Not a crash: an outcome this process decided never reached the topic.
                log.warn("settled an intent of {} ({}) whose outcome was missing: {}", intent.name(), intent.action(),
                        happened);
            }
        }
        audit.recordAll(outcomes);
        settledUpTo.putAll(ends);
        checkpoint.save(ends);
    }

    /** How many audit records the last settlement read: what a start or a rebalance costs. */
    public long lastSettlementRead() {
        return lastSettlementRead;
    }

    /**
     * How many audit records every settlement so far read together. Unlike {@link #lastSettlementRead} a later
     * settlement (a rebalance giving the partitions back, a retry) does not replace what an earlier one read.
     */
    public long settlementRead() {
        return settlementRead;
    }

    /** Partitions the sink gave up: when they come back, their intents are read from the beginning again. */
    void forget(Collection<TopicPartition> desiredPartitions) {
        desiredPartitions.forEach(p -> settledUpTo.remove(new TopicPartition(mutationsTopic, p.partition())));
    }

    @Override
    public void close() {
        checkpoint.close();
    }
}
