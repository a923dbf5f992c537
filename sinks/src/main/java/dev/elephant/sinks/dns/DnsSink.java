package dev.elephant.sinks.dns;

import dev.elephant.sinks.SinkLoops;
import dev.elephant.sinks.dns.audit.MutationAudit;
import java.time.Duration;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
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
public final class DnsSink implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DnsSink.class);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    // A request every few seconds while the provider fails is far inside the rate budget, and converges
    // soon after it recovers; the budget, not the backoff, is what keeps Elephant under the limit.
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final DnsReconciler reconciler;
    private final ZoneReconciliation zone;
    private final Duration reconcileInterval;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread thread;
    private final Set<TopicPartition> newlyAssigned = new LinkedHashSet<>();
    /** Per name, the offset of its latest value in the last reconciliation's snapshot: older ones are superseded. */
    private final Map<String, Long> reconciledUpTo = new HashMap<>();
    private long lastReconciliation = System.nanoTime();
    private volatile boolean caughtUp;
    /** When the sink last had nothing left to apply (System.nanoTime). */
    private volatile long caughtUpAt = System.nanoTime();
    private volatile long lagRecords;

    public DnsSink(Map<String, Object> clientProperties, String groupId, String topic, DnsReconciler reconciler,
                   ZoneReconciliation zone, Duration reconcileInterval) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The topology writes dns-desired in transactions: never act on an aborted record.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "elephant-dns-sink");
        // A burst of launches should reach the provider as few, full batches.
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.reconciler = reconciler;
        this.zone = zone;
        this.reconcileInterval = reconcileInterval;
        this.thread = new Thread(this::run, "elephant-dns-sink");
    }

    public void start() {
        thread.start();
    }

    /** True once a poll came back empty: everything desired so far has been reconciled. */
    public boolean isCaughtUp() {
        return caughtUp;
    }

    public boolean isAlive() {
        return thread.isAlive();
    }

    /**
     * What readiness reports when the sink has had records left to apply for longer than {@code bound}
     * (a provider refusing writes, a rate-limit block, a backlog it cannot work off); empty otherwise.
     */
    public Optional<String> behindLongerThan(Duration bound) {
        Duration behind = Duration.ofNanos(System.nanoTime() - caughtUpAt);
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

    private void run() {
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    newlyAssigned.addAll(partitions);
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    newlyAssigned.removeAll(partitions);
                    zone.forget(partitions);
                }
            });
            Duration backoff = MIN_BACKOFF;
            boolean rewind = false;
            while (stopping.getCount() > 0) {
                try {
                    if (rewind) {
                        rewindToCommitted();
                        rewind = false;
                    }
                    if (!pollAndApply()) {
                        return;
                    }
                    backoff = MIN_BACKOFF;
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // A commit refused because the group moved on while the provider kept us waiting longer than
                    // max.poll.interval.ms, a broker gone for longer than a client timeout, or a bug: the sink must
                    // not die of it. The records since the last commit are applied again (reconciling is idempotent).
                    log.error("DNS sink: {}; resuming from the last committed offsets in {} ms", e.toString(),
                            backoff.toMillis(), e);
                    if (!SinkLoops.pause(stopping, backoff)) {
                        return;
                    }
                    backoff = SinkLoops.doubled(backoff, MAX_BACKOFF);
                    rewind = true;
                }
            }
        } catch (WakeupException e) {
            // close() woke us up
        } catch (RuntimeException e) {
            log.error("DNS sink stopped: {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** One poll and what it brought applied and committed; false when the sink is stopping. */
    private boolean pollAndApply() {
        var records = consumer.poll(Duration.ofMillis(500));
        if (!reconcileZoneWhenDue()) {
            return false;
        }
        caughtUp = records.isEmpty();
        lagRecords = records.count() + Math.max(0, remaining());
        // A compacted topic: within a batch only the last value per name matters.
        Map<String, ConsumerRecord<String, byte[]>> latest = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            if (r.offset() < reconciledUpTo.getOrDefault(r.key(), -1L)) {
                continue; // the reconciliation already made the provider match a later value
            }
            latest.remove(r.key());
            latest.put(r.key(), r);
        }
        List<Desired> desired = new ArrayList<>();
        for (var r : latest.values()) {
            desired.add(Desired.of(r));
        }
        if (!desired.isEmpty() && !reconcileUntilDone(desired)) {
            return false; // stopping: offsets stay uncommitted, the batch is replayed next start
        }
        if (!records.isEmpty()) {
            consumer.commitSync();
        }
        long left = remaining();
        lagRecords = Math.max(0, left);
        if (records.isEmpty() || left == 0) {
            caughtUpAt = System.nanoTime();
        }
        return true;
    }

    /** Back to the last committed offset of every assigned partition (the beginning when none was committed). */
    private void rewindToCommitted() {
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
        for (TopicPartition tp : assigned) {
            OffsetAndMetadata c = committed.get(tp);
            if (c == null) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, c);
            }
        }
    }

    /** @return false when the sink is stopping */
    private boolean reconcileZoneWhenDue() {
        boolean due = System.nanoTime() - lastReconciliation > reconcileInterval.toNanos();
        Set<TopicPartition> partitions = due ? consumer.assignment() : Set.copyOf(newlyAssigned);
        if (partitions.isEmpty()) {
            return true;
        }
        Duration backoff = MIN_BACKOFF;
        Duration wait;
        while (stopping.getCount() > 0) {
            try {
                int total = consumer.partitionsFor(topic).size();
                ZoneReconciliation.Snapshot desired = zone.run(partitions, total);
                desired.latest().forEach((name, r) -> reconciledUpTo.put(name, r.offset()));
                newlyAssigned.clear();
                lastReconciliation = System.nanoTime();
                return true;
            } catch (RetryLater | MutationAudit.AuditUnavailable | TimeoutException e) {
                // A provider that said how long to wait (Retry-After, or refusing everything) is taken at its word.
                wait = e instanceof RetryLater r && r.delay() != null ? r.delay() : backoff;
                log.warn("DNS reconciliation of {} did not finish ({}); retrying in {} ms", partitions, e.getMessage(),
                        wait.toMillis());
            }
            if (!SinkLoops.pause(stopping, wait)) {
                return false;
            }
            backoff = SinkLoops.doubled(backoff, MAX_BACKOFF);
        }
        return false;
    }

    /** Binds the sink consumer's metrics (its lag among them) to the registry. */
    public void bindMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(consumer).bindTo(registry);
    }

    private boolean reconcileUntilDone(List<Desired> desired) {
        Duration backoff = MIN_BACKOFF;
        while (stopping.getCount() > 0) {
            try {
                reconciler.reconcile(desired);
                return true;
            } catch (RetryLater e) {
                Duration wait = e.delay() != null ? e.delay() : backoff;
                log.warn("{} name(s): {}; retrying in {} ms", desired.size(), e.getMessage(), wait.toMillis());
                if (!SinkLoops.pause(stopping, wait)) {
                    return false;
                }
            } catch (MutationAudit.AuditUnavailable e) {
                log.warn("audit trail unavailable ({}); no provider call without it, retrying in {} ms",
                        e.getMessage(), backoff.toMillis());
                if (!SinkLoops.pause(stopping, backoff)) {
                    return false;
                }
            }
            backoff = SinkLoops.doubled(backoff, MAX_BACKOFF);
        }
        return false;
    }

    @Override
    public void close() {
        SinkLoops.stop(stopping, consumer, thread);
    }
}
