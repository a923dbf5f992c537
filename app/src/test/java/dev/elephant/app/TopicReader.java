package dev.elephant.app;

import dev.elephant.events.TopicSchemas;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a whole topic from the beginning to its current end (committed records only). Every value read from one of
 * Elephant's topics is checked against the topic's published schema (schemas/): a suite that reads what Elephant
 * wrote fails on any value that breaks the contract.
 */
final class TopicReader {

    private TopicReader() {}

    static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic) {
        List<ConsumerRecord<String, String>> records = readAllUnchecked(bootstrap, topic);
        String schema = TopicSchemas.topicOf(topic);
        if (schema != null) {
            List<String> broken = new ArrayList<>();
            for (ConsumerRecord<String, String> r : records) {
                if (r.value() != null) {
                    List<String> problems = TopicSchemas.problems(schema, r.value().getBytes(StandardCharsets.UTF_8));
                    if (!problems.isEmpty()) {
                        broken.add(r.partition() + "/" + r.offset() + " " + problems + ": " + r.value());
                    }
                }
            }
            if (!broken.isEmpty()) {
                throw new AssertionError(broken.size() + " value(s) on " + topic + " do not match schemas/" + schema
                        + ".schema.json, such as " + broken.subList(0, Math.min(3, broken.size())));
            }
        }
        return records;
    }

    /** The same without the schema check: for a test that put values there that Elephant must refuse. */
    static List<ConsumerRecord<String, String>> readAllUnchecked(String bootstrap, String topic) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

}
