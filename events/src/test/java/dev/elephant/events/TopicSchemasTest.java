package dev.elephant.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every kind of value Elephant writes matches its topic's published schema; a mismatch names the field. */
class TopicSchemasTest {

    private static final Instant T = Instant.parse("2026-11-22T09:55:00.123456789Z");

    private static List<String> problems(String topic, Object value) {
        return TopicSchemas.problems(topic, Json.toBytes(value));
    }

    @Test
    void everyKindOfValueElephantWritesMatchesItsTopicsSchema() {
        assertThat(problems("instance-events", new InstanceEvent(1, "e-1", "e-1", InstanceEvent.SOURCE_EC2,
                "i-0123456789abcdef0", "running", T, "198.18.0.1", "10.0.0.1", Map.of("Project", "Elephant"), true,
                null, null, false))).isEmpty();
        assertThat(problems("instance-events", new InstanceEvent(1, "e-2", "e-2", InstanceEvent.SOURCE_ECS,
                "0123456789abcdef0123456789abcdef", "STOPPED", T, null, null, Map.of(), false, 7L, "STOPPED",
                true))).isEmpty();
        assertThat(problems("meeting-events", new MeetingEvent.Scheduled(1, "scheduled", "m-1",
                List.of("teacher", "student"), T, T.plusSeconds(3600), "e-3", T))).isEmpty();
        assertThat(problems("meeting-events", new MeetingEvent.Ended(1, "ended", "m-1", "e-4", T))).isEmpty();
        assertThat(problems("meeting-events", new MeetingEvent.Cancelled(1, "cancelled", "m-1", "e-5", T)))
                .isEmpty();
        assertThat(problems("dns-desired", new DesiredRecord(1, "i-1.meet.example.com", "A", "198.18.0.1", 60,
                "i-1", "e-1"))).isEmpty();
        DnsMutation intent = DnsMutation.intent("mut-1", DnsMutation.Phase.INTENT, DnsMutation.Action.UPDATE,
                "i-1.meet.example.com", "A", "198.18.0.2", "198.18.0.1", "rec-1", "i-1", "e-1", "prod", T);
        assertThat(problems("dns-mutations", intent)).isEmpty();
        assertThat(problems("dns-mutations", intent.outcome(DnsMutation.Phase.FAILED, null, "refused", T))).isEmpty();
        assertThat(problems("dns-mutations", DnsMutation.withoutWrite("mut-2", DnsMutation.Phase.NOOP, true,
                "i-1.meet.example.com", "A", null, "i-1", "e-1", "prod", null, T))).isEmpty();
        assertThat(problems("meeting-ready", new MeetingReady(1, "m-1",
                Map.of("teacher", "https://i-1.meet.example.com:8443"), Map.of("teacher", "i-1"), "e-1"))).isEmpty();
        assertThat(problems("dead-letter", DeadLetter.of("malformed-json", "body is not JSON", "/v1/eventbridge",
                "{not".getBytes(StandardCharsets.UTF_8), T))).isEmpty();
        assertThat(problems("dead-letter", DeadLetter.of("tombstone", null, "instance-events", new byte[0], null)))
                .as("the topology has no clock: a dead letter of an input without a time has none").isEmpty();
    }

    @Test
    void aMismatchNamesTheFieldInTheWordsOfTheHttpIngest() {
        String scheduledWithoutStart = "{\"schemaVersion\":1,\"type\":\"scheduled\",\"meetingId\":\"m-1\","
                + "\"eventId\":\"e-1\",\"time\":\"2026-11-22T09:55:00Z\",\"roles\":[\"teacher\"],"
                + "\"endsAt\":\"2026-11-22T11:00:00Z\"}";
        List<String> problems = TopicSchemas.problems("meeting-events",
                scheduledWithoutStart.getBytes(StandardCharsets.UTF_8));
        assertThat(problems).containsExactly("startsAt is missing");
        assertThat(TopicSchemas.reason(problems)).isEqualTo("missing-field");

        String badTime = scheduledWithoutStart.replace("\"time\":\"2026-11-22T09:55:00Z\"", "\"time\":\"yesterday\"")
                .replace("\"roles\"", "\"startsAt\":\"2026-11-22T10:00:00Z\",\"roles\"");
        assertThat(TopicSchemas.problems("meeting-events", badTime.getBytes(StandardCharsets.UTF_8)))
                .singleElement().asString().startsWith("time: ");
        assertThat(TopicSchemas.problems("meeting-events", "{oops".getBytes(StandardCharsets.UTF_8)))
                .singleElement().asString().startsWith("the value is not JSON");
    }

    @Test
    void aValueThatMatchesIsReadAndOneThatDoesNotKeepsItsBytesForTheDeadLetter() {
        CheckedSerde<MeetingEvent> serde = CheckedSerde.of(MeetingEvent.class, "meeting-events");
        var ok = serde.check(Json.toBytes(new MeetingEvent.Ended(1, "ended", "m-1", "e-4", T)));
        assertThat(ok.matches()).isTrue();
        assertThat(ok.value()).isInstanceOf(MeetingEvent.Ended.class);

        byte[] wrong = "{\"schemaVersion\":1,\"type\":\"over\",\"meetingId\":\"m-1\",\"eventId\":\"e\",\"time\":\"2026-11-22T09:55:00Z\"}"
                .getBytes(StandardCharsets.UTF_8);
        var refused = serde.check(wrong);
        assertThat(refused.matches()).isFalse();
        assertThat(refused.detail()).startsWith("type: ");
        assertThat(refused.raw()).isEqualTo(wrong);
    }
}
