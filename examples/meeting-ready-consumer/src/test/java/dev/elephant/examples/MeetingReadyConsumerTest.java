package dev.elephant.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.standins.kafka.EmbeddedKafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example consumer against a real broker, the topic written as Elephant writes it (in transactions): it prints
 * each meeting's links once however often they are delivered, says when a meeting ended, and never shows a value
 * of an aborted transaction.
 */
class MeetingReadyConsumerTest {

    @TempDir
    Path dir;

    private static String ready(String meeting, String cause) {
        return "{\"schemaVersion\":1,\"meetingId\":\"" + meeting + "\",\"links\":{\"teacher\":\"https://i-0a."
                + "elephant.test:8443\"},\"instances\":{\"teacher\":\"i-0a\"},\"causeId\":\"" + cause + "\"}";
    }

    @Test
    void printsEachMeetingsLinksOnceAndItsEndAndNothingOfAnAbortedTransaction() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, freePort(), freePort(),
                Duration.ofSeconds(60))) {
            String topic = "elephant.meeting-ready";
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "example-test"), new StringSerializer(),
                    new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "m-1", ready("m-1", "e-1")));
                producer.send(new ProducerRecord<>(topic, "m-1", ready("m-1", "e-1"))); // delivered again
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "m-3", ready("m-3", "e-3")));
                producer.flush();
                producer.abortTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "m-2", ready("m-2", "e-2")));
                producer.send(new ProducerRecord<>(topic, "m-1", null));
                producer.commitTransaction();
            }
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
                 MeetingReadyConsumer consumer = new MeetingReadyConsumer(broker.bootstrapServers(), topic, "t",
                         out)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (printed.toString(StandardCharsets.UTF_8).lines().count() < 3 && System.nanoTime() < deadline) {
                    consumer.pollOnce(Duration.ofMillis(200));
                }
                consumer.pollOnce(Duration.ofMillis(500));
            }
            assertThat(printed.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                    "m-1 ready: teacher → https://i-0a.elephant.test:8443",
                    "m-2 ready: teacher → https://i-0a.elephant.test:8443",
                    "m-1 ended");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
