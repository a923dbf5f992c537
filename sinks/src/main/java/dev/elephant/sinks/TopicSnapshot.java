package dev.elephant.sinks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Every committed record of some partitions of a topic, from the beginning to the end they had when read;
 * or, by {@link #scan}, each record handed on and none kept.
 */
public record TopicSnapshot(List<ConsumerRecord<String, byte[]>> records, Map<TopicPartition, Long> endOffsets) {

    private static final int SCAN_POLL_RECORDS = 10_000;
    /** 8 MiB a partition: a scan of three partitions buffers 24 MiB at most. */
    private static final int SCAN_PARTITION_FETCH_BYTES = 8 << 20;
    /** At the end of what it reads a scan's fetch comes back at once (bar 10 ms), instead of after Kafka's 500. */
    static final int SCAN_FETCH_MAX_WAIT_MS = 10;

    /** Every partition of {@code topic}; a topic that does not exist is an error that names it. */
    public static TopicSnapshot readTopic(Map<String, Object> clientProperties, String topic, Duration timeout)
            throws TimeoutException {
        return read(clientProperties, partitionsOf(clientProperties, topic, timeout), timeout);
    }

    /** Every partition of {@code topic}; a topic that does not exist is an error that names it. */
    public static List<TopicPartition> partitionsOf(Map<String, Object> clientProperties, String topic,
                                                    Duration timeout) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(clientProperties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            var infos = c.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist on "
                        + clientProperties.get("bootstrap.servers"));
            }
            return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        }
    }

    /**
     * Every committed record of the partitions, from the beginning to the end they had when read.
     *
     * @param stall how long the read may go without a record before it gives up ({@link #scan})
     */
    public static TopicSnapshot read(Map<String, Object> clientProperties, Collection<TopicPartition> partitions,
                              Duration stall) throws TimeoutException {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        Map<TopicPartition, Long> end = scan(clientProperties, partitions, Map.of(), stall, records::add);
        return new TopicSnapshot(records, end);
    }

    /**
     * Hands every committed record of the partitions, from {@code from} (the beginning when absent) to the end
     * they had when the scan started, to {@code each}, keeping none: memory does not grow with the log.
     *
     * @param stall how long the scan may go without reading a record before it gives up: a long log takes as
     *              long as it takes, a broker that stopped answering does not hold the caller for ever
     * @return where each partition ended
     */
    public static Map<TopicPartition, Long> scan(Map<String, Object> clientProperties, Collection<TopicPartition> partitions,
                                          Map<TopicPartition, Long> from, Duration stall,
                                          Consumer<ConsumerRecord<String, byte[]>> each) throws TimeoutException {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(scanProperties(clientProperties),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            from.forEach((p, offset) -> {
                if (partitions.contains(p)) {
                    consumer.seek(p, offset);
                }
            });
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, stall);
            long deadline = System.nanoTime() + stall.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, stall) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("reading " + partitions + " made no progress for " + stall);
                }
                var polled = consumer.poll(Duration.ofMillis(200));
                if (!polled.isEmpty()) {
                    deadline = System.nanoTime() + stall.toNanos();
                }
                for (ConsumerRecord<String, byte[]> r : polled) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        each.accept(r);
                    }
                }
            }
            return end;
        }
    }

    /** How a scan's consumer reads: committed records only, in large fetches, never waiting for new ones. */
    static Map<String, Object> scanProperties(Map<String, Object> clientProperties) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // an offset retention has already deleted: read from what is left, never skip to the end
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "elephant-dns-sink-snapshot");
        // A scan reads a log whole (a replay's dns-desired: a million records); fetches of 500 records and 1 MiB per
        // partition (the consumer's defaults) made it a fifth slower (docs/BENCHMARKS.md, "Replay").
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, SCAN_POLL_RECORDS);
        props.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, SCAN_PARTITION_FETCH_BYTES);
        // A scan reads what is there and stops at the end it saw, so the broker has nothing to wait for. With the
        // default 500 ms the fetch sent ahead after the last records sat at the broker until then, and closing the
        // consumer waited for it: half a second at the end of every scan (two per DNS reconciliation, one per
        // request to the recent-changes page), whatever its length.
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, SCAN_FETCH_MAX_WAIT_MS);
        return props;
    }

    /**
     * Per partition, the first offset whose record is no older than {@code time} (the partition's end when none is),
     * for a {@link #scan} of what happened since then only.
     */
    public static Map<TopicPartition, Long> offsetsSince(Map<String, Object> clientProperties,
                                                         Collection<TopicPartition> partitions, Instant time,
                                                         Duration timeout) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "elephant-offsets-since");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(p -> query.put(p, time.toEpochMilli()));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, Long> out = new HashMap<>();
            consumer.offsetsForTimes(query, timeout).forEach((p, o) -> out.put(p, o == null ? end.get(p) : o.offset()));
            return out;
        }
    }

    /** The partition the default partitioner gives a String key: how Elephant's topics are keyed by name. */
    public static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitions;
    }
}
