package dev.elephant.topology;

import dev.elephant.events.TopicDurability;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/** How Elephant runs its topology on Kafka Streams: one place, so the benchmark runs it the same way. */
public final class StreamsProperties {

    /**
     * Two threads by default, overridable with {@code kafka.num.stream.threads}: with exactly-once, a thread
     * waits at every commit for its writes to be acknowledged and its transaction committed; a second
     * thread works meanwhile (docs/BENCHMARKS.md, "Topology": warm medians 0.42–0.45 of the pass-through's
     * rate with one thread, 0.48–0.52 with two, measured the same day).
     */
    public static final int DEFAULT_STREAM_THREADS = 2;

    /**
     * The stores' record cache, shared by a stream thread's stores (Kafka's default: 10 MiB for all threads),
     * overridable with {@code kafka.statestore.cache.max.bytes}. When a thread's cache is full, a put evicts from
     * the cache of the store written, not from the largest: the instance table's rows (each written a few times and
     * then kept) filled the 10 MiB, and the idle-instances table, whose rows change four times in a burst in a
     * replay, was left a few entries and wrote 2.6 changelog records per instance instead of 1 (docs/BENCHMARKS.md,
     * "Topology"). With 64 MiB the instance table of 125,000 instances fits beside it.
     */
    public static final long DEFAULT_STATE_CACHE_BYTES = 64L << 20;

    /**
     * How often a running topology commits: with exactly-once, what it writes is seen by readers (the DNS sink, the
     * meeting-ready subscribers) only once committed, so this bounds the wait from an event to its effect.
     */
    public static final int COMMIT_INTERVAL_MS = 100;

    /**
     * How often a replay commits until it has caught up with the log, when nothing reads what it writes (the DNS sink
     * waits for the end): each commit stops a stream thread until its transaction is acknowledged, and the broker
     * writes a marker to every partition the transaction touched. A replay of a million events with this interval
     * against one with the live one: docs/BENCHMARKS.md, "Replay".
     */
    public static final int CATCH_UP_COMMIT_INTERVAL_MS = 1_000;

    /** How long the broker may hold a restore consumer's fetch for records (Kafka's default: 500 ms). */
    public static final int RESTORE_FETCH_MAX_WAIT_MS = 50;

    private StreamsProperties() {}

    public static Properties of(Map<String, ?> kafka, String applicationId, Path stateDir, int replicationFactor,
                                String deadLetterTopic) {
        // Every runner of the topology comes through here, Elephant's and the benchmarks' alike.
        FormatLocale.pin();
        Properties p = new Properties();
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, DEFAULT_STREAM_THREADS);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, DEFAULT_STATE_CACHE_BYTES);
        // The state updater adds changelogs to its restore consumer a few at a time and sees each done only after a
        // fetch comes back; a fetch of changelogs with nothing left to read sat at the broker for Kafka's 500 ms. A
        // start with empty state (a replay) spent 1.6 s restoring nothing; 0.8 s with 50 ms (docs/BENCHMARKS.md,
        // "Replay"). A restore with records to read gets them at once either way.
        p.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), RESTORE_FETCH_MAX_WAIT_MS);
        p.putAll(kafka);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
        int minInSync = TopicDurability.minInSyncReplicasFor(replicationFactor);
        if (minInSync > 0) {
            // The changelogs and repartition topics hold acknowledged state too.
            p.put(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), minInSync);
        }
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS);
        // Bad records are dead-lettered and skipped (KIP-1034) instead of stopping the pipeline.
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, deadLetterTopic);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true); // Kafka 5.0's default
        return p;
    }

    /** {@code live}'s properties for a replay catching up with the log: the same but for the commit interval. */
    public static Properties catchingUp(Properties live) {
        Properties p = new Properties();
        p.putAll(live);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, CATCH_UP_COMMIT_INTERVAL_MS);
        return p;
    }
}
