package dev.elephant.app.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elephant.app.SharedKafka;
import dev.elephant.sinks.LatestRecords;
import dev.elephant.sinks.TopicSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A replay's DNS sink follows {@code dns-desired} while the topology catches up: what the follower hands over, and a
 * scan from where it stopped, read what one scan from the beginning would — committed records only.
 */
class LatestRecordsTest {

    private final String topic = "latest-" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, Object> client = Map.of("bootstrap.servers", SharedKafka.bootstrapServers());

    @Test
    void followingAndThenScanningTheRestReadsWhatAScanFromTheBeginningReads() throws Exception {
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        try (KafkaProducer<String, String> plain = new KafkaProducer<>(client, new StringSerializer(),
                new StringSerializer());
             KafkaProducer<String, String> transactional = new KafkaProducer<>(Map.of("bootstrap.servers",
                     SharedKafka.bootstrapServers(), "transactional.id", topic), new StringSerializer(),
                     new StringSerializer())) {
            transactional.initTransactions();
            send(plain, "a", "1");
            send(plain, "b", "1");
            send(plain, "a", "2");
            LatestRecords follower = LatestRecords.follow(client, partitions);
            send(plain, "c", "1"); // written while it follows
            await().atMost(Duration.ofSeconds(30)).until(() -> follower.recordsRead() == 4);
            // written in a transaction still open when it stops: not read, nor skipped
            transactional.beginTransaction();
            transactional.send(new ProducerRecord<>(topic, 0, "a", "3")).get();

            LatestRecords.Read read = follower.stop();

            assertThat(read).isNotNull();
            assertThat(values(read.latest())).containsEntry("a", "2").containsEntry("b", "1").containsEntry("c", "1")
                    .hasSize(3);
            assertThat(follower.stop()).as("handed over once").isNull();
            transactional.commitTransaction();
            send(plain, "b", "2");
            send(plain, "d", "1");

            Map<String, ConsumerRecord<String, byte[]>> rest = new HashMap<>(read.latest());
            TopicSnapshot.scan(client, partitions, read.positions(), Duration.ofSeconds(30),
                    r -> rest.put(r.key(), r));
            Map<String, ConsumerRecord<String, byte[]>> whole = new HashMap<>();
            TopicSnapshot.scan(client, partitions, Map.of(), Duration.ofSeconds(30), r -> whole.put(r.key(), r));

            assertThat(values(rest)).isEqualTo(values(whole))
                    .isEqualTo(Map.of("a", "3", "b", "2", "c", "1", "d", "1"));
        }
    }

    private void send(KafkaProducer<String, String> producer, String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    private static Map<String, String> values(Map<String, ConsumerRecord<String, byte[]>> records) {
        Map<String, String> out = new HashMap<>();
        records.forEach((k, r) -> out.put(k, new String(r.value(), StandardCharsets.UTF_8)));
        return out;
    }
}
