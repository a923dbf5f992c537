package dev.elephant.connector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elephant.connector.ec2.InstanceFacts;
import dev.elephant.connector.ec2.InstanceLookup;
import dev.elephant.connector.ec2.InstanceSummary;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.events.DeadLetter;
import dev.elephant.events.Json;
import dev.elephant.events.Topics;
import dev.elephant.standins.aws.EventBridgeSamples;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An event stamped far ahead of Elephant's clock would freeze its instance: it is refused and kept. */
class EventTimeAheadTest {

    private record Appended(String topic, String key, byte[] value) {}

    private final List<Appended> appended = new ArrayList<>();
    private final EventLog log = (topic, key, value, timeout) -> appended.add(new Appended(topic, key, value));
    private final InstanceLookup ec2 = new InstanceLookup() {
        @Override
        public Optional<InstanceFacts> describe(String instanceId) {
            return Optional.of(new InstanceFacts("203.0.113.1", "10.0.0.1", Map.of("Project", "Elephant")));
        }

        @Override
        public Optional<InstanceFacts> describeNetworkInterface(String networkInterfaceId) {
            return Optional.empty();
        }

        @Override
        public List<InstanceSummary> listProject(ProjectFilter project) {
            return List.of();
        }
    };

    private IngestResult deliverAt(String time, Instant now) throws Exception {
        Topics topics = Topics.withDefaultPrefix();
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        EventBridgeIngest ingest = new EventBridgeIngest(ec2, null, ProjectFilter.defaults(), log,
                new DeadLetters(log, topics.deadLetter(), clock, Duration.ofSeconds(1)), topics, Duration.ofSeconds(1),
                new SimpleMeterRegistry(), clock);
        ObjectNode event = (ObjectNode) Json.mapper().readTree(EventBridgeSamples.read("ec2-running.json"));
        event.put("time", time);
        return ingest.ingest(Json.toBytes(event));
    }

    @Test
    void anInstanceEventStampedFarAheadOfElephantsClockIsDeadLetteredNotApplied() throws Exception {
        IngestResult result = deliverAt("2026-11-20T11:00:00Z", Instant.parse("2026-11-20T10:00:00Z"));

        assertThat(result.status()).isEqualTo(IngestStatus.MALFORMED);
        assertThat(result.reason()).isEqualTo(IngestReason.TIME_IN_FUTURE);
        assertThat(appended).singleElement().satisfies(a -> {
            assertThat(a.topic()).isEqualTo(Topics.withDefaultPrefix().deadLetter());
            assertThat(a.key()).isEqualTo("i-0a1b2c3d4e5f67890");
            assertThat(Json.fromBytes(a.value(), DeadLetter.class).reason()).isEqualTo("time-in-future");
        });
    }

    @Test
    void aFewSecondsOfClockSkewAreAccepted() throws Exception {
        IngestResult result = deliverAt("2026-11-20T10:00:30Z", Instant.parse("2026-11-20T10:00:00Z"));

        assertThat(result.status()).isEqualTo(IngestStatus.ACCEPTED);
        assertThat(appended).singleElement().satisfies(a ->
                assertThat(a.topic()).isEqualTo(Topics.withDefaultPrefix().instanceEvents()));
    }
}
