package dev.elephant.sinks.dns;

import dev.elephant.sinks.Backoff;
import dev.elephant.sinks.ConsumerLoop;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code dns-desired} on its own thread and reconciles each name with the provider. Provider
 * calls block, so they run here, never on a Kafka Streams thread. Offsets are committed only after a
 * batch is reconciled: a crash replays the batch, and reconciling is idempotent.
 *
 * <p>When partitions are assigned (at start) the whole desired state of those partitions is compared
 * with the provider, open intents are settled and drift is repaired; the same comparison, settlement
 * included, repeats every {@code reconcileInterval}.
 */
public final class DnsSink extends ConsumerLoop {

    private static final Logger log = LoggerFactory.getLogger(DnsSink.class);

    private static final Duration MAX_WAIT_FOR_BUDGET = Duration.ofSeconds(1);
    private static final int MAX_GATHERED = 20_000;
    /** How long a poll waits for records when there are none. */
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration POLL_SLICE = Duration.ofMillis(50);

    // A request every few seconds while the provider fails is far inside the rate budget, and converges
    // soon after it recovers; the budget, not the backoff, is what keeps Elephant under the limit.
    static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));

    private final String topic;
    private final DnsReconciler reconciler;
    private final ZoneReconciliation zone;
    private final Duration reconcileInterval;
    private final Set<TopicPartition> newlyAssigned = new LinkedHashSet<>();
    private Instant lastReconciliation;
    private volatile boolean caughtUp;
    /** When the sink last had nothing left to apply. */
    private volatile Instant caughtUpAt;
    private volatile long lagRecords;

    public DnsSink(Map<String, Object> clientProperties, String groupId, String topic, DnsReconciler reconciler,
                   ZoneReconciliation zone, Duration reconcileInterval, Clock clock) {
        // A burst of launches should reach the provider as few, full batches.
        super("dns-sink", committedReader(clientProperties, groupId, "elephant-dns-sink",
                Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000)), BACKOFF, clock);
        this.topic = topic;
        this.reconciler = reconciler;
        this.zone = zone;
        this.reconcileInterval = reconcileInterval;
        this.lastReconciliation = clock.instant();
        this.caughtUpAt = clock.instant();
    }

    /** Desired records not yet applied, as of the last poll. */
    public long lagRecords() {
        return lagRecords;
    }

    /** True once a poll came back empty: everything desired so far has been reconciled. */
    public boolean isCaughtUp() {
        return caughtUp;
    }

    /**
     * What health reports when the sink has had records left to apply for longer than {@code bound}
     * (a provider refusing writes, a rate-limit block, a backlog it cannot work off); empty otherwise.
     */
    public Optional<String> behindLongerThan(Duration bound) {
        Duration behind = Duration.between(caughtUpAt, clock.instant());
        if (behind.compareTo(bound) <= 0) {
            return Optional.empty();
        }
        return Optional.of("behind " + topic + " for " + behind.toSeconds() + " s (bound " + bound.toSeconds()
                + " s), " + lagRecords + " record(s) not yet applied");
    }

    /** Records after the consumer's position, or -1 when a partition's end is not known yet. */
    private long remaining() {
        long lag = 0;
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong l = consumer.currentLag(tp);
            if (l.isEmpty()) {
                return -1;
            }
            lag += l.getAsLong();
        }
        return lag;
    }

    @Override
    protected void subscribe() {
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                newlyAssigned.addAll(partitions);
                // Nothing of them is read before their reconciliation, which reads them whole and hands over.
                consumer.pause(partitions);
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                newlyAssigned.removeAll(partitions);
                zone.forget(partitions);
            }
        });
    }

    /**
     * What arrived on the topic until the provider's budget lets the next request leave: the batching window is the
     * budget. The sink keeps polling while it waits (a fetch returns what reached the broker before it was answered;
     * what arrives later needs the next fetch), so every change that arrives before the request leaves goes in it,
     * rather than each waiting behind the request before it. Only a short wait (the pace between requests) is waited
     * here; a long pause (a 429's Retry-After) is waited where the request is made, as before.
     *
     * @return the records, those of partitions taken away meanwhile left out
     */
    private List<ConsumerRecord<String, byte[]>> gather() {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        // The poll that is given partitions (at start, at a rebalance) pauses them until their reconciliation, so it
        // would wait out its whole timeout with nothing to fetch: polls are short and stop once partitions arrive.
        long pollEnds = System.nanoTime() + POLL.toNanos();
        do {
            consumer.poll(POLL_SLICE).forEach(records::add);
        } while (records.isEmpty() && newlyAssigned.isEmpty() && System.nanoTime() < pollEnds);
        Duration wait = records.isEmpty() ? Duration.ZERO : reconciler.untilNextRequest();
        if (wait.compareTo(MAX_WAIT_FOR_BUDGET) <= 0) {
            long until = System.nanoTime() + wait.toNanos();
            long left;
            while (records.size() < MAX_GATHERED && (left = until - System.nanoTime()) > 0) {
                consumer.poll(Duration.ofNanos(left)).forEach(records::add);
            }
        }
        Set<TopicPartition> owned = consumer.assignment();
        records.removeIf(r -> !owned.contains(new TopicPartition(r.topic(), r.partition())));
        return records;
    }

    /** One poll and what it brought applied and committed; false when the sink is stopping. */
    @Override
    protected boolean pollOnce() {
        List<ConsumerRecord<String, byte[]>> records = gather();
        if (!untilDone("confirming changes in sync", reconciler::confirmSynced)) {
            return false;
        }
        Map<TopicPartition, Long> handedOver = new HashMap<>();
        if (!reconcileZoneWhenDue(records, handedOver)) {
            return false;
        }
        caughtUp = records.isEmpty() && handedOver.isEmpty();
        lagRecords = records.size() + Math.max(0, remaining());
        // A compacted topic: within a batch only the last value per name matters.
        Map<String, ConsumerRecord<String, byte[]>> latest = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            latest.remove(r.key());
            latest.put(r.key(), r);
        }
        List<Desired> desired = new ArrayList<>();
        Map<ConsumerRecord<String, byte[]>, List<String>> unreadable = new LinkedHashMap<>();
        for (var r : latest.values()) {
            List<String> problems = Desired.problems(r);
            if (problems.isEmpty()) {
                desired.add(Desired.of(r));
            } else {
                unreadable.put(r, problems); // does not match the topic's schema: refused, the name left alone
            }
        }
        if (!unreadable.isEmpty() && !untilDone("refusing " + unreadable.size() + " unreadable value(s)", () -> {
            for (var u : unreadable.entrySet()) {
                reconciler.refuseUnreadable(u.getKey().key(), u.getValue(), u.getKey().value());
            }
        })) {
            return false;
        }
        long applying = System.nanoTime();
        if (!desired.isEmpty() && !untilDone(desired.size() + " name(s)", () -> reconciler.reconcile(desired))) {
            return false; // stopping: offsets stay uncommitted, the batch is replayed next start
        }
        if (!handedOver.isEmpty()) {
            log.info("applied {} name(s) at the hand-over from the reconciliation of {} in {} ms", desired.size(),
                    handedOver.keySet(), (System.nanoTime() - applying) / 1_000_000);
        }
        // The consumer goes on after what the reconciliation read; the offsets say so, as a poll's would.
        handedOver.forEach(consumer::seek);
        if (!records.isEmpty() || !handedOver.isEmpty()) {
            consumer.commitSync();
        }
        long left = remaining();
        lagRecords = Math.max(0, left);
        if (records.isEmpty() || left == 0) {
            caughtUpAt = clock.instant();
        }
        return true;
    }

    /**
     * Runs the zone's reconciliation when partitions were just assigned or the interval is due. The reconciliation
     * reads each of its partitions to the end, so what the poll loop had yet to read of them is already in its
     * snapshot: the records gathered from those partitions are replaced by the snapshot's latest record of every
     * name at or after where the loop stood, applied as one batch, and the loop goes on from the snapshot's end
     * ({@code handedOver}) instead of reading the same records a second time (a replay's whole log, otherwise).
     *
     * @param records    what this poll gathered; those of the reconciled partitions are replaced as above
     * @param handedOver filled with where each reconciled partition's consumer goes on from
     * @return false when the sink is stopping
     */
    private boolean reconcileZoneWhenDue(List<ConsumerRecord<String, byte[]>> records,
                                         Map<TopicPartition, Long> handedOver) {
        boolean due = !clock.instant().isBefore(lastReconciliation.plus(reconcileInterval));
        Set<TopicPartition> partitions = due ? consumer.assignment() : Set.copyOf(newlyAssigned);
        if (partitions.isEmpty()) {
            return true;
        }
        return untilDone("DNS reconciliation of " + partitions, () -> {
            Map<TopicPartition, Long> from = new HashMap<>();
            for (TopicPartition p : partitions) {
                from.put(p, consumer.position(p));
            }
            for (ConsumerRecord<String, byte[]> r : records) {
                from.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
            }
            int total = consumer.partitionsFor(topic).size();
            ZoneReconciliation.Snapshot snapshot = zone.run(partitions, total);
            records.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
            List<ConsumerRecord<String, byte[]>> pending = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : snapshot.latest().values()) {
                Long start = from.get(new TopicPartition(r.topic(), r.partition()));
                if (start != null && r.offset() >= start) {
                    pending.add(r);
                }
            }
            pending.sort(java.util.Comparator.comparingLong(ConsumerRecord::offset));
            records.addAll(pending);
            snapshot.endOffsets().forEach((p, end) -> {
                if (partitions.contains(p) && end > from.get(p)) {
                    handedOver.put(p, end);
                }
            });
            consumer.resume(partitions);
            newlyAssigned.clear();
            lastReconciliation = clock.instant();
        });
    }

    /** Binds the sink consumer's metrics (its lag among them) to the registry. */
    public void bindMetrics(MeterRegistry registry) {
        new KafkaClientMetrics(consumer).bindTo(registry);
    }
}
