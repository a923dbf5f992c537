package dev.elephant.connector.meetings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elephant.connector.ingest.IngestReason;
import dev.elephant.events.MeetingEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A meeting event's time: the sender's, when it gives one, and never far ahead of Elephant's clock. */
class MeetingIngestTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    private static MeetingEvent parse(String json) throws MeetingIngest.Invalid {
        return MeetingIngest.parse(json.getBytes(StandardCharsets.UTF_8), "e-1", NOW);
    }

    @Test
    void theSendersOccurredAtIsTheEventsTimeSoARetriedOlderScheduleStaysOlder() throws Exception {
        MeetingEvent e = parse("""
                {"type":"scheduled","meetingId":"m-1","roles":["teacher"],"startsAt":"2026-11-22T11:00:00Z",
                 "endsAt":"2026-11-22T12:00:00Z","occurredAt":"2026-11-22T09:12:00Z"}""");
        assertThat(e.time()).isEqualTo(Instant.parse("2026-11-22T09:12:00Z"));
        assertThat(parse("{\"type\":\"ended\",\"meetingId\":\"m-1\",\"occurredAt\":\"2026-11-22T09:59:00Z\"}").time())
                .isEqualTo(Instant.parse("2026-11-22T09:59:00Z"));
    }

    @Test
    void withoutOccurredAtTheEventsTimeIsWhenElephantAcceptedIt() throws Exception {
        assertThat(parse("{\"type\":\"cancelled\",\"meetingId\":\"m-1\"}").time()).isEqualTo(NOW);
    }

    @Test
    void anOccurredAtFarAheadOfElephantsClockIsRefused() {
        assertThatThrownBy(() -> parse("{\"type\":\"ended\",\"meetingId\":\"m-1\",\"occurredAt\":\"2026-11-22T11:00:00Z\"}"))
                .isInstanceOfSatisfying(MeetingIngest.Invalid.class, e -> {
                    assertThat(e.reason).isEqualTo(IngestReason.TIME_IN_FUTURE);
                    assertThat(e.getMessage()).contains("more than 5 minutes ahead");
                });
        assertThatThrownBy(() -> parse("{\"type\":\"ended\",\"meetingId\":\"m-1\",\"occurredAt\":\"yesterday\"}"))
                .isInstanceOfSatisfying(MeetingIngest.Invalid.class, e -> assertThat(e.reason).isEqualTo(IngestReason.INVALID_FIELD));
    }
}
