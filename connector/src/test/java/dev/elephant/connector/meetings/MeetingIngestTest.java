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

    private static final String SCHEDULED = """
            {"type":"scheduled","meetingId":"m-1","roles":["teacher","student"],"startsAt":"2026-11-22T11:00:00Z",
             "endsAt":"2026-11-22T12:00:00Z","launch":%s}""";

    @Test
    void aScheduledMeetingMayCarryWhatToLaunchWithPerRoleOverrides() throws Exception {
        MeetingEvent.Scheduled e = (MeetingEvent.Scheduled) parse(SCHEDULED.formatted("""
                {"imageId":"ami-0abc1234def567890","instanceType":"t3.large","subnetId":"subnet-0abc1234",
                 "securityGroupIds":["sg-0abc1234"],"keyName":"ops","roles":{"teacher":{"instanceType":"t3.xlarge"}}}"""));
        assertThat(e.launch().forRole("teacher").instanceType()).isEqualTo("t3.xlarge");
        assertThat(e.launch().forRole("teacher").imageId()).isEqualTo("ami-0abc1234def567890");
        assertThat(e.launch().forRole("student").instanceType()).isEqualTo("t3.large");
        assertThat(e.launch().forRole("student").securityGroupIds()).containsExactly("sg-0abc1234");
        assertThat(((MeetingEvent.Scheduled) parse(SCHEDULED.formatted("null"))).launch()).isNull();
    }

    @Test
    void aLaunchThatCannotBeCarriedOutIsRefusedNamingItsField() {
        assertRefused("{\"instanceType\":\"t3.large\"}", "role student has neither an imageId nor a launchTemplate");
        assertRefused("{\"imageId\":\"ami-0abc1234\"}", "role student has an imageId but no instanceType");
        assertRefused("{\"imageId\":\"ami-XYZ\",\"instanceType\":\"t3.large\"}", "launch.imageId \"ami-XYZ\" is not an AMI id");
        assertRefused("{\"launchTemplate\":\"web\",\"roles\":{\"admin\":{}}}", "launch.roles.\"admin\" is not one of the meeting's roles");
        assertRefused("{\"launchTemplate\":\"web\",\"imageID\":\"ami-0abc1234\"}", "launch.imageID is not valid");
        assertRefused("{\"launchTemplate\":\"web\",\"securityGroupIds\":\"sg-0abc1234\"}", "launch.securityGroupIds is not valid");
        assertRefused("\"ami-0abc1234\"", "launch must be an object");
    }

    private static void assertRefused(String launch, String message) {
        assertThatThrownBy(() -> parse(SCHEDULED.formatted(launch)))
                .isInstanceOfSatisfying(MeetingIngest.Invalid.class, e -> {
                    assertThat(e.reason).isEqualTo(IngestReason.INVALID_FIELD);
                    assertThat(e.getMessage()).contains(message);
                });
    }
}
