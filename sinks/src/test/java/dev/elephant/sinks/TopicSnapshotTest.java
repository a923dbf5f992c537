package dev.elephant.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class TopicSnapshotTest {

    @Test
    void aScanAsksTheBrokerNotToHoldItsFetchesForNewRecords() {
        // Even where the deployment's client properties ask for Kafka's default wait: a scan stops at the end it saw,
        // and a fetch held at the broker for new records only delays its close.
        Map<String, Object> props = TopicSnapshot.scanProperties(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                "127.0.0.1:9092", ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500, ConsumerConfig.GROUP_ID_CONFIG, "elephant"));

        assertThat(props).containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, TopicSnapshot.SCAN_FETCH_MAX_WAIT_MS)
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .doesNotContainKey(ConsumerConfig.GROUP_ID_CONFIG);
        assertThat(TopicSnapshot.SCAN_FETCH_MAX_WAIT_MS).isLessThanOrEqualTo(10);
    }
}
