package dev.elephant.sinks.dns;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Where, in each partition of {@code dns-mutations}, every intent before is known to have its outcome. A
 * settlement that read a partition to its end leaves no intent open before that end (it runs between
 * batches, with none of its own writes under way, and writes an outcome for every intent it found open),
 * so the next one — after a restart, after a rebalance, on another instance — reads from there, not from
 * the beginning of a year of audit. Kept as the offsets of a consumer group of its own (no member ever
 * joins it), so it lives in Kafka beside the audit, with no store of Elephant's own.
 */
final class SettlementCheckpoint implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;
    private final String groupId;

    SettlementCheckpoint(Map<String, Object> kafka, String groupId) {
        Map<String, Object> props = new HashMap<>();
        kafka.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                props.put(k, v);
            }
        });
        this.admin = Admin.create(props);
        this.groupId = groupId;
    }

    /** Where settlement may start in each partition; a partition never settled is absent (from its beginning). */
    Map<TopicPartition, Long> load(Collection<TopicPartition> partitions) throws TimeoutException {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, Long> from = new HashMap<>();
            for (TopicPartition p : partitions) {
                OffsetAndMetadata o = committed.get(p);
                if (o != null) {
                    from.put(p, o.offset());
                }
            }
            return from;
        } catch (ExecutionException e) {
            throw new TimeoutException("cannot read the settlement checkpoint (group " + groupId + "): "
                    + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted while reading the settlement checkpoint");
        }
    }

    /** Every intent before these offsets has its outcome. */
    void save(Map<TopicPartition, Long> settledUpTo) throws TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        settledUpTo.forEach((p, o) -> offsets.put(p, new OffsetAndMetadata(o)));
        try {
            admin.alterConsumerGroupOffsets(groupId, offsets).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new TimeoutException("cannot save the settlement checkpoint (group " + groupId + "): "
                    + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted while saving the settlement checkpoint");
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
