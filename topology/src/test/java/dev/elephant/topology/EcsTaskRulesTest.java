package dev.elephant.topology;

import static dev.elephant.topology.TopologyFixture.T0;
import static dev.elephant.topology.TopologyFixture.tags;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.topology.meetings.MeetingStatus;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** DESIGN.md's ordering rules for ECS tasks: the task version orders, a stopped task is final. */
class EcsTaskRulesTest {

    private static final String TASK = "c13b4cb40f1f4fe4a2971f76ae5a47ad";
    private static final String NAME = TASK + ".elephant.test";
    private final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void taskIsUpOnlyWhenLastAndDesiredStatusAreBothRunning() {
        f.sendTask(TASK, 1, "PROVISIONING", "RUNNING", T0, "203.0.113.9");
        f.sendTask(TASK, 3, "PENDING", "RUNNING", T0.plusSeconds(5), "203.0.113.9");
        assertThat(f.desired.isEmpty()).isTrue();

        f.sendTask(TASK, 4, "RUNNING", "RUNNING", T0.plusSeconds(10), "203.0.113.9");
        assertThat(f.desiredTable().get(NAME).content()).isEqualTo("203.0.113.9");

        f.sendTask(TASK, 5, "RUNNING", "STOPPED", T0.plusSeconds(20), "203.0.113.9");
        assertThat(f.desiredTable()).containsEntry(NAME, null);
    }

    @Test
    void higherTaskVersionWinsWhateverTheEventTimeSays() {
        f.sendTask(TASK, 4, "RUNNING", "RUNNING", T0.plusSeconds(10), "203.0.113.9");
        f.sendTask(TASK, 3, "PENDING", "RUNNING", T0.plusSeconds(30), "203.0.113.9");

        assertThat(f.instance(TASK).state()).isEqualTo("RUNNING");
        assertThat(f.instance(TASK).version()).isEqualTo(4L);
    }

    @Test
    void repeatedTaskVersionIsANoOp() {
        f.sendTask(TASK, 4, "RUNNING", "RUNNING", T0, "203.0.113.9");
        f.desired.readRecordsToList();
        f.sendTask(TASK, 4, "RUNNING", "RUNNING", T0, "203.0.113.9");
        assertThat(f.desired.isEmpty()).isTrue();
    }

    @Test
    void stoppedTaskIsFinal() {
        f.sendTask(TASK, 4, "RUNNING", "RUNNING", T0, "203.0.113.9");
        f.sendTask(TASK, 9, "STOPPED", "STOPPED", T0.plusSeconds(60), null);
        f.sendTask(TASK, 12, "RUNNING", "RUNNING", T0.plusSeconds(90), "203.0.113.9");

        assertThat(f.instance(TASK).state()).isEqualTo("STOPPED");
        assertThat(f.desiredTable()).containsEntry(NAME, null);
    }

    @Test
    void stoppedAfterDeprovisioningIsRecordedButNothingBringsTheRecordBack() {
        f.sendTask(TASK, 4, "RUNNING", "RUNNING", T0, "203.0.113.9");
        f.sendTask(TASK, 7, "DEPROVISIONING", "STOPPED", T0.plusSeconds(50), null);
        f.sendTask(TASK, 8, "STOPPED", "STOPPED", T0.plusSeconds(60), null);
        f.sendTask(TASK, 9, "RUNNING", "RUNNING", T0.plusSeconds(70), "203.0.113.9");

        assertThat(f.instance(TASK).state()).isEqualTo("STOPPED");
        assertThat(f.instance(TASK).recordContent()).isNull();
    }

    @Test
    void taskIdOutsideTheGrammarIsDeadLettered() {
        f.sendTask("C13B4CB40F1F4FE4A2971F76AE5A47AD", 1, "RUNNING", "RUNNING", T0, "203.0.113.9");
        f.sendTask("i-0123456789abcdef0", 1, "RUNNING", "RUNNING", T0, "203.0.113.9");
        assertThat(f.desired.isEmpty()).isTrue();
        assertThat(f.deadLetters.readValuesToList()).hasSize(2)
                .allSatisfy(d -> assertThat(d.reason()).isEqualTo("invalid-instance-id"));
    }

    @Test
    void aMeetingOfEcsTasksIsReadyOnceItsTaskRecordsAreConfirmed() {
        f.schedule("m-1", List.of("teacher"), T0);
        f.sendTask(TASK, 4, "RUNNING", "RUNNING", T0.plusSeconds(10), "203.0.113.9",
                tags("Project", "Elephant", "MeetingId", "m-1", "Role", "teacher"));
        f.confirm(f.desiredTable().get(NAME), T0.plusSeconds(11));

        assertThat(f.meeting("m-1").status()).isEqualTo(MeetingStatus.READY);
        assertThat(f.ready.readValue().links()).containsEntry("teacher", "https://" + NAME + ":8443");
    }

    @Test
    void aStoppedTaskLeavesItsMeeting() {
        f.schedule("m-1", List.of("teacher"), T0);
        var meeting = tags("Project", "Elephant", "MeetingId", "m-1", "Role", "teacher");
        f.sendTask(TASK, 4, "RUNNING", "RUNNING", T0.plusSeconds(10), "203.0.113.9", meeting);
        f.sendTask(TASK, 9, "STOPPED", "STOPPED", T0.plusSeconds(60), null, meeting);

        assertThat(f.meeting("m-1").instances()).doesNotContainKey(TASK);
        assertThat(f.meeting("m-1").status()).isEqualTo(MeetingStatus.SCHEDULED);
    }
}
