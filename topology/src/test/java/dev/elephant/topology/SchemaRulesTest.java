package dev.elephant.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.events.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A value on a topic others write (meeting-events, instance-events) that does not match the topic's published
 * schema is dead-lettered with the reason and the field, in the words the HTTP ingest answers a producer with,
 * and changes nothing.
 */
class SchemaRulesTest {

    private final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aMeetingEventWithoutAFieldItsTypeNeedsIsDeadLetteredNamingTheField() {
        f.rawMeetingEvents.pipeInput("m-9", bytes("{\"schemaVersion\":1,\"type\":\"scheduled\",\"meetingId\":\"m-9\","
                + "\"eventId\":\"e-9\",\"time\":\"2026-11-22T09:00:00Z\",\"roles\":[\"teacher\"],"
                + "\"endsAt\":\"2026-11-22T11:00:00Z\"}"));

        List<DeadLetter> letters = f.deadLetters.readValuesToList();
        assertThat(letters).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo("missing-field");
            assertThat(d.detail()).isEqualTo("startsAt is missing");
            assertThat(d.source()).isEqualTo("meeting-events");
            assertThat(d.payload()).contains("\"meetingId\":\"m-9\"");
        });
        assertThat(f.meeting("m-9")).as("nothing changed").isNull();
    }

    @Test
    void anInstanceEventWithAFieldOfTheWrongTypeIsDeadLetteredNamingTheField() {
        f.rawInstanceEvents.pipeInput("i-0123456789abcdef0", bytes("{\"schemaVersion\":1,\"eventId\":\"e-1\","
                + "\"causeId\":\"e-1\",\"source\":\"aws.ec2\",\"instanceId\":\"i-0123456789abcdef0\","
                + "\"state\":\"running\",\"time\":\"2026-11-22T09:00:00Z\",\"tags\":{},\"found\":\"yes\","
                + "\"sweep\":false}"));

        assertThat(f.deadLetters.readValuesToList()).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo("invalid-field");
            assertThat(d.detail()).startsWith("found: ");
        });
        assertThat(f.desired.isEmpty()).isTrue();
    }

    @Test
    void aValueThatIsNotJsonIsDeadLetteredAsMalformed() {
        f.rawMeetingEvents.pipeInput("m-9", bytes("{\"type\":"));

        assertThat(f.deadLetters.readValuesToList()).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo("malformed-json");
            assertThat(d.payloadBytes()).isEqualTo(8);
        });
    }
}
