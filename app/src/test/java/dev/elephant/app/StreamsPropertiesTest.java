package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.topology.StreamsProperties;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsPropertiesTest {

    @Test
    void theTopologyRunsOnTwoThreadsUnlessTheKafkaSettingsSayOtherwise() {
        var defaults = StreamsProperties.of(Map.of("bootstrap.servers", "k:9092"), "elephant", Path.of("state"), 3,
                "elephant.dead-letter");
        assertThat(defaults.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo(2);

        var chosen = StreamsProperties.of(Map.of("bootstrap.servers", "k:9092", "num.stream.threads", "4"), "elephant",
                Path.of("state"), 3, "elephant.dead-letter");
        assertThat(chosen.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo("4");
    }

    @Test
    void theStoresCacheHoldsSixtyFourMebibytesUnlessTheKafkaSettingsSayOtherwise() {
        var defaults = StreamsProperties.of(Map.of("bootstrap.servers", "k:9092"), "elephant", Path.of("state"), 3,
                "elephant.dead-letter");
        assertThat(defaults.get(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG)).isEqualTo(64L * 1024 * 1024);

        var chosen = StreamsProperties.of(Map.of("bootstrap.servers", "k:9092", "statestore.cache.max.bytes", "1048576"),
                "elephant", Path.of("state"), 3, "elephant.dead-letter");
        assertThat(chosen.get(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG)).isEqualTo("1048576");
    }

    @Test
    void exactlyOnceAndTheDeadLetterTopicCannotBeSwitchedOffThroughTheKafkaSettings() {
        var p = StreamsProperties.of(Map.of("bootstrap.servers", "k:9092", "processing.guarantee", "at_least_once",
                "application.id", "other"), "elephant", Path.of("state"), 3, "elephant.dead-letter");
        assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(p.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("elephant");
        assertThat(p.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG)).isEqualTo("elephant.dead-letter");
        assertThat(p.get(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(3);
    }

    @Test
    void internalTopicsOfThreeReplicasAcknowledgeOnlyWhatTwoHold() {
        var three = StreamsProperties.of(Map.of("bootstrap.servers", "k:9092"), "elephant", Path.of("state"), 3,
                "elephant.dead-letter");
        assertThat(three.get("topic.min.insync.replicas")).isEqualTo(2);
        var one = StreamsProperties.of(Map.of("bootstrap.servers", "k:9092"), "elephant", Path.of("state"), 1,
                "elephant.dead-letter");
        assertThat(one).doesNotContainKey("topic.min.insync.replicas");
    }
}
