package dev.elephant.app.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.events.DnsMutation;
import dev.elephant.events.FailoverCheck;
import dev.elephant.events.InstanceEvent;
import dev.elephant.events.LaunchSpec;
import dev.elephant.events.MachineAction;
import dev.elephant.events.MachineCommand;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code elephant audit MEETING-ID} shows the meeting's launches and terminations beside its records, in time order. */
class AuditReportTest {

    private static final Instant T0 = Instant.parse("2026-11-22T09:55:00Z");
    private static final String ID = "i-0000000000000aaa1";

    @Test
    void aMeetingsAuditShowsItsLaunchesTerminationsAndRecordsTogether() {
        MachineCommand launch = MachineCommand.launch("m-1", "teacher", 1, "elephant-abc", new LaunchSpec(
                "ami-0abc1234", "t3.large", null, null, null, null, null), "mevt-1", T0);
        MachineCommand terminate = MachineCommand.terminate("terminate-1", "m-1", List.of(ID), "meeting-ended",
                "mevt-2", T0.plusSeconds(3600));
        List<MachineAction> actions = List.of(
                MachineAction.intent(launch, T0),
                MachineAction.applied(launch, List.of(ID), null, T0.plusSeconds(1)),
                MachineAction.intent(terminate, T0.plusSeconds(3600)),
                MachineAction.applied(terminate, List.of(ID), null, T0.plusSeconds(3601)),
                MachineAction.intent(MachineCommand.terminate("terminate-2", null, List.of("i-0000000000000bbb2"),
                        "no-meeting", null, T0), T0));
        InstanceEvent running = new InstanceEvent(InstanceEvent.SCHEMA_VERSION, "evt-1", "evt-1", InstanceEvent.SOURCE_EC2,
                ID, "running", T0.plusSeconds(20), "203.0.113.1", "10.0.0.1", Map.of("MeetingId", "m-1"), true, null,
                null, false);
        DnsMutation applied = new DnsMutation(DnsMutation.SCHEMA_VERSION, "mut-1", DnsMutation.Phase.APPLIED,
                DnsMutation.Action.CREATE, ID + ".elephant.test", "A", "203.0.113.1", null, "rec-1", ID, "evt-1",
                "managed-by=elephant owner=dev", null, T0.plusSeconds(22));

        List<AuditReport.Row> rows = AuditReport.build("m-1", List.of(applied), List.of(running), actions, "MeetingId",
                null);

        assertThat(rows).extracting(AuditReport.Row::name).containsExactly(
                "ec2:launch m-1/teacher attempt 1", "ec2:launch m-1/teacher attempt 1", ID + ".elephant.test",
                "ec2:terminate", "ec2:terminate");
        assertThat(rows).extracting(AuditReport.Row::phase).containsExactly("intent", "applied", "applied", "intent",
                "applied");
        assertThat(rows.get(1).content()).isEqualTo(ID);
        assertThat(rows.get(4).cause()).isEqualTo("meeting-ended");
        assertThat(AuditReport.build(ID, List.of(applied), List.of(running), actions, "MeetingId", null))
                .as("an instance's audit: its launch (once it named the instance), its record, its termination").hasSize(4);
    }

    @Test
    void aFailoverFlipShowsTheChecksThatCausedIt() {
        String name = "db.elephant.test";
        List<FailoverCheck> checks = List.of(
                check("c0", true, 0), check("c1", false, 1), check("c2", false, 2), check("c3", false, 3),
                check("c4", false, 4));
        DnsMutation intent = new DnsMutation(DnsMutation.SCHEMA_VERSION, "mut-1", DnsMutation.Phase.INTENT,
                DnsMutation.Action.UPDATE, name, "A", "127.0.0.3", "127.0.0.2", "rec-1", null, "c3",
                "managed-by=elephant owner=dev", null, T0.plusSeconds(3));
        List<AuditReport.Row> rows = AuditReport.build(name, new AuditReport.Sources(List.of(intent), List.of(),
                List.of(), List.of(), checks), "MeetingId", null);
        assertThat(rows).extracting(AuditReport.Row::mutationId).containsExactly("c1", "c2", "c3", "mut-1");
        assertThat(rows.get(0).phase()).isEqualTo("fail");
        assertThat(rows.get(0).cause()).isEqualTo("connection refused");
        assertThat(rows.get(3).cause()).isEqualTo("failover check of the primary 127.0.0.2 failed (connection refused)");
    }

    private static FailoverCheck check(String id, boolean ok, int second) {
        return new FailoverCheck(1, id, "db", "d1", "primary", null, "127.0.0.2", ok,
                ok ? "connected in 1 ms" : "connection refused", 1, T0.plusSeconds(second));
    }
}
