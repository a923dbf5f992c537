package dev.elephant.connector.ingest;

import dev.elephant.standins.aws.EventBridgeSamples;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.connector.ec2.InstanceFacts;
import dev.elephant.connector.ec2.InstanceLookup;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.events.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** With no Kafka to acknowledge, ingest answers 503 so EventBridge retries, and nothing is claimed as stored. */
class KafkaUnavailableTest {

    @Test
    void ingestAnswers503WithinEventBridgesTimeoutWhenKafkaIsAway() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        InstanceLookup noLookupNeeded = new InstanceLookup() {
            @Override
            public Optional<InstanceFacts> describe(String instanceId) {
                return Optional.empty();
            }

            @Override
            public Optional<InstanceFacts> describeNetworkInterface(String networkInterfaceId) {
                return Optional.empty();
            }

            @Override
            public java.util.List<dev.elephant.connector.ec2.InstanceSummary> listProject(ProjectFilter project) {
                return java.util.List.of();
            }
        };
        try (KafkaEventLog log = new KafkaEventLog(Map.of("bootstrap.servers", "127.0.0.1:" + closedPort))) {
            Topics topics = Topics.withDefaultPrefix();
            DeadLetters deadLetters = new DeadLetters(log, topics.deadLetter(), Clock.systemUTC(), Duration.ofSeconds(3));
            EventBridgeIngest ingest = new EventBridgeIngest(noLookupNeeded, null, ProjectFilter.defaults(), log, deadLetters,
                    topics, Duration.ofSeconds(3), new SimpleMeterRegistry(), Clock.systemUTC());

            long start = System.nanoTime();
            IngestResult valid = ingest.ingest(EventBridgeSamples.read("ec2-running.json"));
            IngestResult malformed = ingest.ingest("{".getBytes());
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(valid.status()).isEqualTo(IngestStatus.UNAVAILABLE);
            assertThat(valid.reason()).isEqualTo(IngestReason.KAFKA_UNAVAILABLE);
            // Even a 400 needs its dead-letter record written first; without Kafka it becomes a retry.
            assertThat(malformed.status()).isEqualTo(IngestStatus.UNAVAILABLE);
            assertThat(millis).as("both answered before EventBridge's 5 s timeout each").isLessThan(10_000);
        }
    }
}
