package dev.elephant.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elephant.app.SharedKafka;
import dev.elephant.events.TopicDurability;
import dev.elephant.events.Topics;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** Topics are created when missing, and topics users made themselves are checked before Elephant uses them. */
class TopicSetupTest {

    private final Topics topics = new Topics("topics-" + UUID.randomUUID().toString().substring(0, 8) + ".");

    @Test
    void missingTopicsAreCreatedAndThenFit() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
            TopicSetup.ensure(admin, topics, 3, (short) 1);
            TopicSetup.verify(admin, topics);
            assertThat(admin.listTopics().names().get()).containsAll(topics.retained()).containsAll(topics.compacted());
        }
    }

    @Test
    void aCompactedSourceOfTruthOrUnequalPartitionsAreRefusedWithTheReason() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
            admin.createTopics(List.of(
                    new NewTopic(topics.instanceEvents(), 3, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                    new NewTopic(topics.dnsDesired(), 3, (short) 1).configs(Map.of("cleanup.policy", "delete")),
                    new NewTopic(topics.meetingEvents(), 6, (short) 1))).all().get();

            assertThatThrownBy(() -> TopicSetup.ensure(admin, topics, 3, (short) 1))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(topics.instanceEvents() + " must not be compacted")
                    .hasMessageContaining(topics.dnsDesired() + " must have cleanup.policy=compact")
                    .hasMessageContaining("same number of partitions");
        }
    }

    @Test
    void topicsCreatedWithThreeReplicasAcknowledgeOnlyWhatTwoHold() {
        for (String t : topics.retained()) {
            assertThat(TopicSetup.creationConfigs(topics, t, (short) 3)).containsEntry("min.insync.replicas", "2");
        }
        for (String t : topics.compacted()) {
            assertThat(TopicSetup.creationConfigs(topics, t, (short) 3)).containsEntry("min.insync.replicas", "2")
                    .containsEntry("cleanup.policy", "compact");
        }
        assertThat(TopicSetup.creationConfigs(topics, topics.instanceEvents(), (short) 1))
                .doesNotContainKey("min.insync.replicas");
    }

    @Test
    void latestValueTopicsRollSegmentsSmallEnoughForTheCleanerToCompactAReplaysWrites() {
        for (String t : topics.compacted()) {
            assertThat(TopicSetup.creationConfigs(topics, t, (short) 1)).containsEntry("segment.bytes", "16777216");
        }
        for (String t : topics.retained()) {
            assertThat(TopicSetup.creationConfigs(topics, t, (short) 1)).doesNotContainKey("segment.bytes");
        }
    }

    @Test
    void aUserManagedTopicOfThreeReplicasThatAcknowledgesWhatOneHoldsIsRefused() {
        assertThat(TopicDurability.problem("elephant.instance-events", 3, 1))
                .contains("elephant.instance-events has 3 replicas but min.insync.replicas=1")
                .contains("set min.insync.replicas=2");
        assertThat(TopicDurability.problem("elephant.instance-events", 3, 2)).isNull();
        assertThat(TopicDurability.problem("elephant.instance-events", 1, 1)).isNull();
    }
}
