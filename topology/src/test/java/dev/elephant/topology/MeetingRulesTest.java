package dev.elephant.topology;

import static dev.elephant.topology.TopologyFixture.T0;
import static dev.elephant.topology.TopologyFixture.tags;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.events.DesiredRecord;
import dev.elephant.events.MeetingReady;
import dev.elephant.topology.meetings.MeetingStatus;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** DESIGN.md, "Links": a meeting is ready when each role has a running instance with a confirmed record. */
class MeetingRulesTest {

    private static final String TEACHER = "i-0000000000000aaa1";
    private static final String STUDENT = "i-0000000000000bbb2";
    private final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private DesiredRecord launch(String id, String role, String ip) {
        f.send(id, "running", T0, ip, tags("Project", "Elephant", "MeetingId", "m-1", "Role", role));
        return f.desiredTable().get(id + ".elephant.test");
    }

    @Test
    void meetingIsReadyOnlyWhenEveryRoleHasAConfirmedRecord() {
        f.schedule("m-1", List.of("teacher", "student"), T0);
        DesiredRecord teacher = launch(TEACHER, "teacher", "203.0.113.1");
        DesiredRecord student = launch(STUDENT, "student", "203.0.113.2");
        assertThat(f.meeting("m-1").status()).isEqualTo(MeetingStatus.LAUNCHING);

        f.confirm(teacher, T0.plusSeconds(1));
        assertThat(f.ready.isEmpty()).as("student's record is not confirmed yet").isTrue();

        f.confirm(student, T0.plusSeconds(2));
        MeetingReady ready = f.ready.readValue();
        assertThat(ready.links()).isEqualTo(Map.of(
                "teacher", "https://" + TEACHER + ".elephant.test:8443",
                "student", "https://" + STUDENT + ".elephant.test:8443"));
        assertThat(ready.instances()).containsEntry("teacher", TEACHER);
        assertThat(f.meeting("m-1").status()).isEqualTo(MeetingStatus.READY);
    }

    @Test
    void theMeetingKeepsWhenItBecameReadyInEventTime() {
        f.schedule("m-1", List.of("teacher", "student"), T0);
        f.confirm(launch(TEACHER, "teacher", "203.0.113.1"), T0.plusSeconds(1));
        assertThat(f.meeting("m-1").readyAt()).isNull();
        f.confirm(launch(STUDENT, "student", "203.0.113.2"), T0.plusSeconds(7));
        assertThat(f.meeting("m-1").readyAt()).as("the confirming outcome's time").isEqualTo(T0.plusSeconds(7));
        f.end("m-1", T0.plusSeconds(60));
        assertThat(f.meeting("m-1").readyAt()).as("no longer ready once it ended").isNull();
    }

    @Test
    void readyIsPublishedOnceNotOnEveryUnrelatedChange() {
        f.schedule("m-1", List.of("teacher"), T0);
        f.confirm(launch(TEACHER, "teacher", "203.0.113.1"), T0.plusSeconds(1));
        assertThat(f.ready.readRecordsToList()).hasSize(1);

        f.schedule("m-1", List.of("teacher"), T0.plusSeconds(5));

        assertThat(f.ready.isEmpty()).isTrue();
    }

    @Test
    void instancesArrivingBeforeTheMeetingIsScheduledCountOnceItIs() {
        f.confirm(launch(TEACHER, "teacher", "203.0.113.1"), T0.plusSeconds(1));
        assertThat(f.meeting("m-1").status()).isEqualTo(MeetingStatus.UNSCHEDULED);
        assertThat(f.ready.isEmpty()).isTrue();

        f.schedule("m-1", List.of("teacher"), T0.plusSeconds(2));

        assertThat(f.ready.readValue().links()).containsKey("teacher");
    }

    @Test
    void endedMeetingPublishesATombstoneAndStaysEnded() {
        f.schedule("m-1", List.of("teacher"), T0);
        f.confirm(launch(TEACHER, "teacher", "203.0.113.1"), T0.plusSeconds(1));
        f.ready.readRecordsToList();

        f.end("m-1", T0.plusSeconds(10));
        TestRecord<String, MeetingReady> tombstone = f.ready.readRecord();
        assertThat(tombstone.key()).isEqualTo("m-1");
        assertThat(tombstone.value()).isNull();

        f.schedule("m-1", List.of("teacher"), T0.plusSeconds(20));
        assertThat(f.meeting("m-1").status()).isEqualTo(MeetingStatus.ENDED);
        assertThat(f.ready.isEmpty()).isTrue();
    }

    @Test
    void secondReadyInstanceForARoleDoesNotMoveThePublishedLink() {
        f.schedule("m-1", List.of("teacher"), T0);
        f.confirm(launch(TEACHER, "teacher", "203.0.113.1"), T0.plusSeconds(1));
        String published = f.ready.readValue().links().get("teacher");

        f.confirm(launch("i-00000000000000001", "teacher", "203.0.113.3"), T0.plusSeconds(2));

        assertThat(f.ready.isEmpty()).as("the teacher already has this link").isTrue();
        assertThat(f.meeting("m-1").readyLinks()).containsEntry("teacher", published);
    }

    @Test
    void replacedInstancePublishesTheReplacementsLink() {
        f.schedule("m-1", List.of("teacher"), T0);
        f.confirm(launch(TEACHER, "teacher", "203.0.113.1"), T0.plusSeconds(1));
        f.ready.readRecordsToList();

        f.send(TEACHER, "terminated", T0.plusSeconds(60), null,
                tags("Project", "Elephant", "MeetingId", "m-1", "Role", "teacher"));
        assertThat(f.ready.isEmpty()).as("nothing is retracted until the meeting ends").isTrue();
        f.send("i-00000000000000001", "running", T0.plusSeconds(90), "203.0.113.3",
                tags("Project", "Elephant", "MeetingId", "m-1", "Role", "teacher"));
        f.confirm(f.desiredTable().get("i-00000000000000001.elephant.test"), T0.plusSeconds(91));

        assertThat(f.ready.readValue().links())
                .containsEntry("teacher", "https://i-00000000000000001.elephant.test:8443");
    }

    /**
     * The link names the record, not the address: after a stop/start the record follows the new IP
     * and the link stays what it was, so nothing is published again.
     */
    @Test
    void stopStartOfTheServingInstanceKeepsTheLinkAndPublishesNothingNew() {
        Map<String, String> teacherTags = tags("Project", "Elephant", "MeetingId", "m-1", "Role", "teacher");
        f.schedule("m-1", List.of("teacher"), T0);
        f.confirm(launch(TEACHER, "teacher", "203.0.113.1"), T0.plusSeconds(1));
        f.ready.readRecordsToList();

        f.send(TEACHER, "stopped", T0.plusSeconds(30), null, teacherTags);
        assertThat(f.meeting("m-1").status()).isEqualTo(MeetingStatus.LAUNCHING);
        f.send(TEACHER, "running", T0.plusSeconds(60), "198.51.100.4", teacherTags);
        f.confirm(f.desiredTable().get(TEACHER + ".elephant.test"), T0.plusSeconds(61));

        assertThat(f.meeting("m-1").status()).isEqualTo(MeetingStatus.READY);
        assertThat(f.ready.isEmpty()).isTrue();
    }

    @Test
    void meetingEndedWithInstancesStillRunningIsEndedAndTheirRecordsStay() {
        f.schedule("m-1", List.of("teacher"), T0);
        f.confirm(launch(TEACHER, "teacher", "203.0.113.1"), T0.plusSeconds(1));
        f.ready.readRecordsToList();

        f.end("m-1", T0.plusSeconds(10));

        assertThat(f.ready.readRecord().value()).isNull();
        assertThat(f.meeting("m-1").status()).isEqualTo(MeetingStatus.ENDED);
        assertThat(f.desired.isEmpty()).as("the instance's record lives as long as the instance").isTrue();
    }

    @Test
    void olderScheduleArrivingLateDoesNotUndoAReschedule() {
        f.schedule("m-1", List.of("teacher", "student"), T0.plusSeconds(60));
        f.schedule("m-1", List.of("teacher"), T0);

        assertThat(f.meeting("m-1").roles()).containsExactly("teacher", "student");
    }

    @Test
    void scheduleArrivingAfterTheEndFillsInTheRolesWithoutReopening() {
        f.end("m-1", T0.plusSeconds(60));
        f.schedule("m-1", List.of("teacher"), T0);

        assertThat(f.meeting("m-1").status()).isEqualTo(MeetingStatus.ENDED);
        assertThat(f.meeting("m-1").roles()).containsExactly("teacher");
    }

    @Test
    void endedMeetingsAreForgottenOnceTheirEndIsTheRetentionBehindStreamTime() {
        java.time.Duration day = java.time.Duration.ofDays(1);
        f.schedule("m-old", List.of("teacher"), T0);
        f.end("m-old", T0.plusSeconds(10));
        f.schedule("m-open", List.of("teacher"), T0);
        f.schedule("m-recent", List.of("teacher"), T0.plus(day.multipliedBy(7)));
        f.end("m-recent", T0.plus(day.multipliedBy(7)).plusSeconds(10));
        assertThat(f.meeting("m-old")).as("not forgotten yet").isNotNull();

        f.schedule("m-new", List.of("teacher"), T0.plus(day.multipliedBy(8))); // stream time moves on 8 days

        assertThat(f.meeting("m-old")).as("ended 8 days ago, retention 7").isNull();
        assertThat(f.meeting("m-recent").status()).as("ended 1 day ago").isEqualTo(MeetingStatus.ENDED);
        assertThat(f.meeting("m-open").status()).as("never ended: kept").isEqualTo(MeetingStatus.SCHEDULED);
        assertThat(f.meeting("m-new")).isNotNull();
    }
}
