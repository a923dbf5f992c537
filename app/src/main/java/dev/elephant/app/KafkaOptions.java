package dev.elephant.app;

import dev.elephant.events.Topics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import picocli.CommandLine.Option;

/**
 * Where a command that reads or writes Elephant's topics finds them ({@code audit}, {@code cert}): the dev broker
 * by default, or any Kafka with its client properties.
 */
final class KafkaOptions {

    @Option(names = "--bootstrap", defaultValue = "${env:ELEPHANT_KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}, the dev broker).")
    String bootstrap;

    @Option(names = "--kafka", description = "Another Kafka client property, KEY=VALUE (repeatable), e.g. security.protocol=SASL_SSL.")
    Map<String, String> kafka = new HashMap<>();

    @Option(names = "--topic-prefix", defaultValue = "${env:ELEPHANT_TOPICS_PREFIX:-" + Topics.DEFAULT_PREFIX + "}",
            description = "Topic prefix (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    /** The client properties, naming the client {@code clientId} unless {@code --kafka} does. */
    Map<String, Object> properties(String clientId) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return props;
    }

    Topics topics() {
        return new Topics(topicPrefix);
    }
}
