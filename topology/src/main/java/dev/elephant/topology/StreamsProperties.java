package dev.elephant.topology;

import dev.elephant.events.TopicDurability;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
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

    private StreamsProperties() {}

    public static Properties of(Map<String, ?> kafka, String applicationId, Path stateDir, int replicationFactor,
                                String deadLetterTopic) {
        Properties p = new Properties();
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, DEFAULT_STREAM_THREADS);
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
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        // Bad records are dead-lettered and skipped (KIP-1034) instead of stopping the pipeline.
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, deadLetterTopic);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true); // Kafka 5.0's default
        return p;
    }
}
