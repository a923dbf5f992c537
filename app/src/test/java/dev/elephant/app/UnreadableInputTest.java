package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elephant.app.config.RunConfig;
import dev.elephant.app.config.SecretsManagerReader;
import dev.elephant.app.runtime.Elephant;
import dev.elephant.events.DeadLetter;
import dev.elephant.events.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values on Elephant's topics that something other than Elephant wrote and that do not match the topic's schema
 * are dead-lettered naming the field, and nothing stalls behind them: the DNS sink moves past one on
 * {@code dns-desired} (leaving that name as it is), the topology past one on {@code meeting-events}.
 */
class UnreadableInputTest {

    private static final String KEY = "k-unreadable";
    private static final String TOKEN = "cf-unreadable";

    @TempDir
    Path dir;
    private RunFixture run;

    @AfterEach
    void stop() {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void aValueThatDoesNotMatchItsTopicsSchemaIsDeadLetteredAndWhatFollowsItIsApplied() throws Exception {
        run = new RunFixture("unreadable", TOKEN, KEY);
        run.elephant = Elephant.start(RunConfig.load(run.config(dir, ""), Map.of("ELEPHANT_INGEST_KEY", KEY,
                "ELEPHANT_CLOUDFLARE_TOKEN", TOKEN), new SecretsManagerReader()));
        String name = "i-0f00000000000000a." + RunFixture.DOMAIN;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                SharedKafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(run.prefix + "dns-desired", name,
                    "{\"schemaVersion\":1,\"name\":\"" + name + "\",\"type\":\"A\",\"ttl\":60}"));
            producer.send(new ProducerRecord<>(run.prefix + "meeting-events", "m-x",
                    "{\"schemaVersion\":1,\"type\":\"ended\",\"meetingId\":\"m-x\",\"eventId\":\"e\"}"));
            producer.flush();
        }
        String id = Ec2Launcher.launch(run.aws, "Project", "Elephant");

        await().atMost(Duration.ofSeconds(60)).until(() -> run.cloudflare.records().stream()
                .anyMatch(r -> r.name().equals(id + "." + RunFixture.DOMAIN)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<DeadLetter> letters = TopicReader.readAll(SharedKafka.bootstrapServers(), run.prefix + "dead-letter")
                    .stream().map(r -> Json.fromBytes(r.value().getBytes(StandardCharsets.UTF_8), DeadLetter.class))
                    .toList();
            assertThat(letters).anySatisfy(d -> {
                assertThat(d.source()).isEqualTo("dns-desired");
                assertThat(d.reason()).isEqualTo("missing-field");
                assertThat(d.detail()).isEqualTo("content is missing");
            });
            assertThat(letters).anySatisfy(d -> {
                assertThat(d.source()).isEqualTo("meeting-events");
                assertThat(d.detail()).isEqualTo("time is missing");
            });
        });
        assertThat(run.cloudflare.records()).noneMatch(r -> r.name().equals(name));
    }
}
