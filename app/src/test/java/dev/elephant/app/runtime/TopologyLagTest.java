package dev.elephant.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.app.SharedKafka;
import dev.elephant.events.Topics;
import dev.elephant.topology.ElephantTopology;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * What a replay's DNS sink waits for: the topology's committed offsets at the end of the topics that feed
 * {@code dns-desired}, and of those alone.
 */
class TopologyLagTest {

    private final String prefix = "lag-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final Topics topics = new Topics(prefix);
    private final String app = prefix + "app";

    @Test
    void aBacklogOfMeetingsDoesNotHoldBackTheDnsSinkOfAReplay() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
            createWithRecords(admin, topics.instanceEvents(), topics.meetingEvents());
            commit(admin, Map.of(topics.instanceEvents(), 3L, topics.meetingEvents(), 1L));

            assertThat(TopologyLag.isCaughtUp(admin, app, ElephantTopology.dnsDesiredSources(topics, app))).isTrue();
            assertThat(TopologyLag.isCaughtUp(admin, app, List.of(topics.instanceEvents(), topics.meetingEvents())))
                    .as("the meetings' topic counted: two of its records are not processed").isFalse();
        }
    }

    @Test
    void aSourceOfDnsDesiredWithRecordsTheTopologyHasNotCommittedHoldsItBack() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
            createWithRecords(admin, topics.instanceEvents(), topics.dnsMutations());
            commit(admin, Map.of(topics.instanceEvents(), 3L));

            assertThat(TopologyLag.isCaughtUp(admin, app, ElephantTopology.dnsDesiredSources(topics, app)))
                    .as("dns-mutations has 3 records and no committed offset").isFalse();
            commit(admin, Map.of(topics.dnsMutations(), 2L));
            assertThat(TopologyLag.isCaughtUp(admin, app, ElephantTopology.dnsDesiredSources(topics, app))).isFalse();
            commit(admin, Map.of(topics.dnsMutations(), 3L));
            assertThat(TopologyLag.isCaughtUp(admin, app, ElephantTopology.dnsDesiredSources(topics, app))).isTrue();
        }
    }

    /** One partition each, three records in each. */
    private static void createWithRecords(Admin admin, String... names) throws Exception {
        admin.createTopics(java.util.Arrays.stream(names).map(n -> new NewTopic(n, 1, (short) 1)).toList()).all().get();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", SharedKafka.bootstrapServers()), new StringSerializer(),
                new StringSerializer())) {
            for (String n : names) {
                for (int i = 0; i < 3; i++) {
                    producer.send(new ProducerRecord<>(n, "k" + i, "{}")).get();
                }
            }
        }
    }

    private void commit(Admin admin, Map<String, Long> offsets) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = new java.util.HashMap<>();
        offsets.forEach((topic, offset) -> committed.put(new TopicPartition(topic, 0), new OffsetAndMetadata(offset)));
        admin.alterConsumerGroupOffsets(app, committed).all().get();
    }
}
