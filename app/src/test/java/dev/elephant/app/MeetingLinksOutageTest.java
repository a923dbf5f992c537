package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elephant.events.Json;
import dev.elephant.events.MeetingReady;
import dev.elephant.sinks.links.MeetingLinkChange;
import dev.elephant.sinks.links.MeetingReadyFollower;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The meeting-link follower outlives an EventBridge outage longer than {@code max.poll.interval.ms}: the group
 * puts it out and refuses its commit, and it goes back to its last commit and carries on, as the DNS sink does.
 */
class MeetingLinksOutageTest {

    private final String topic = "links-" + UUID.randomUUID().toString().substring(0, 8) + ".meeting-ready";

    private void send(KafkaProducer<String, byte[]> producer, String meetingId) throws Exception {
        MeetingReady ready = new MeetingReady(MeetingReady.SCHEMA_VERSION, meetingId,
                Map.of("teacher", "https://i-0123456789abcdef0.elephant.test:8443"),
                Map.of("teacher", "i-0123456789abcdef0"), "evt-" + meetingId);
        producer.send(new ProducerRecord<>(topic, meetingId, Json.toBytes(ready))).get();
    }

    @Test
    void aBusOutageLongerThanThePollIntervalNeitherStopsTheFollowerNorLosesALink() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        List<String> published = new CopyOnWriteArrayList<>();
        AtomicBoolean busDown = new AtomicBoolean(true);
        Map<String, Object> kafka = Map.of("bootstrap.servers", SharedKafka.bootstrapServers(),
                "max.poll.interval.ms", 3000, "session.timeout.ms", 6000, "heartbeat.interval.ms", 1000);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", SharedKafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer());
             MeetingReadyFollower follower = new MeetingReadyFollower(kafka, topic + "-group", topic, changes -> {
                 if (busDown.get()) {
                     throw new IOException("EventBridge PutEvents: connection refused");
                 }
                 changes.stream().map(MeetingLinkChange::meetingId).forEach(published::add);
             }, new SimpleMeterRegistry(), Clock.systemUTC())) {
            follower.start();
            send(producer, "m-1");
            Thread.sleep(6_000); // the bus stays down past max.poll.interval.ms: the group moves on
            busDown.set(false);
            await().atMost(Duration.ofSeconds(30)).until(() -> published.contains("m-1"));

            send(producer, "m-2");

            await().atMost(Duration.ofSeconds(30)).until(() -> published.contains("m-2"));
            assertThat(follower.isAlive()).isTrue();
        }
    }
}
