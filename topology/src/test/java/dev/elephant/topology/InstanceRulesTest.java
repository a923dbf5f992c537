package dev.elephant.topology;

import dev.elephant.events.DesiredRecord;
import dev.elephant.events.InstanceEvent;
import dev.elephant.topology.common.RecordStatus;
import dev.elephant.topology.common.TopologyConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import static dev.elephant.topology.TopologyFixture.T0;
import static dev.elephant.topology.TopologyFixture.tags;
import static org.assertj.core.api.Assertions.assertThat;

/** DESIGN.md, "Rules the data must obey": ordering and names, as the topology applies them. */
class InstanceRulesTest {

    private static final String ID = "i-0123456789abcdef0";
    private static final String NAME = ID + ".elephant.test";
    private final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void runningInstanceGetsARecordNamedAfterItsIdUnderTheDomain() {
        f.send(ID, "pending", T0, "203.0.113.7", Map.of());
        f.send(ID, "running", T0.plusSeconds(5), "203.0.113.7", Map.of());

        Map<String, DesiredRecord> table = f.desiredTable();
        assertThat(table).containsOnlyKeys(NAME);
        assertThat(table.get(NAME).content()).isEqualTo("203.0.113.7");
        assertThat(table.get(NAME).type()).isEqualTo("A");
        assertThat(table.get(NAME).instanceId()).isEqualTo(ID);
    }

    @Test
    void duplicateEventIdIsANoOp() {
        InstanceEvent running = f.send(ID, "running", T0, "203.0.113.7", Map.of());
        f.desired.readRecordsToList();

        f.send(running);

        assertThat(f.desired.isEmpty()).isTrue();
        assertThat(f.instance(ID).lastEventId()).isEqualTo(running.eventId());
    }

    @Test
    void olderEventArrivingLateDoesNotMoveStateBackwards() {
        f.send(ID, "stopped", T0.plusSeconds(60), "203.0.113.7", Map.of());
        f.send(ID, "running", T0, "203.0.113.7", Map.of());

        assertThat(f.instance(ID).state()).isEqualTo("stopped");
        assertThat(f.desiredTable()).isEmpty();
    }

    @Test
    void sameEventTimeIsBrokenByLifecycleRank() {
        f.send(ID, "running", T0, "203.0.113.7", Map.of());
        f.send(ID, "pending", T0, "203.0.113.7", Map.of());
        assertThat(f.instance(ID).state()).isEqualTo("running");

        f.send(ID, "stopping", T0, "203.0.113.7", Map.of());
        assertThat(f.instance(ID).state()).isEqualTo("stopping");
    }

    @Test
    void lateRunningAfterTerminatedNeverResurrectsTheRecord() {
        f.send(ID, "running", T0, "203.0.113.7", Map.of());
        f.send(ID, "terminated", T0.plusSeconds(60), null, Map.of());
        f.send(ID, "running", T0.plusSeconds(120), "203.0.113.7", Map.of());

        assertThat(f.desiredTable()).containsEntry(NAME, null);
        assertThat(f.instance(ID).state()).isEqualTo("terminated");
    }

    @Test
    void tombstoneNamesTheEventThatCausedTheDeletion() {
        f.send(ID, "running", T0, "203.0.113.7", Map.of());
        InstanceEvent stopped = f.send(ID, "stopped", T0.plusSeconds(10), null, Map.of());

        var records = f.desired.readRecordsToList();
        var tombstone = records.get(records.size() - 1);
        assertThat(tombstone.value()).isNull();
        assertThat(new String(tombstone.headers().lastHeader(DesiredRecord.CAUSE_HEADER).value()))
                .isEqualTo(stopped.eventId());
    }

    @Test
    void stopStartCycleMovesTheRecordToTheNewPublicIp() {
        f.send(ID, "running", T0, "203.0.113.7", Map.of());
        f.send(ID, "stopping", T0.plusSeconds(10), null, Map.of());
        f.send(ID, "stopped", T0.plusSeconds(20), null, Map.of());
        assertThat(f.desiredTable()).containsEntry(NAME, null);

        f.send(ID, "pending", T0.plusSeconds(30), "198.51.100.9", Map.of());
        f.send(ID, "running", T0.plusSeconds(40), "198.51.100.9", Map.of());
        assertThat(f.desiredTable().get(NAME).content()).isEqualTo("198.51.100.9");
    }

    @Test
    void instanceIdOutsideTheGrammarGoesToDeadLetterAndNeverToDnsDesired() {
        for (String hostile : new String[] {"i-ABCDEF12", "i-0123.evil.com", "../i-01234567", "i-0123456"}) {
            f.send(hostile, "running", T0, "203.0.113.7", Map.of());
        }
        assertThat(f.desired.isEmpty()).isTrue();
        assertThat(f.deadLetters.readValuesToList())
                .hasSize(4)
                .allSatisfy(dl -> assertThat(dl.reason()).isEqualTo("invalid-instance-id"));
    }

    @Test
    void providerOutcomeForTheCurrentContentConfirmsTheRecord() {
        f.send(ID, "running", T0, "203.0.113.7", tags("MeetingId", "m-1", "Role", "teacher"));
        DesiredRecord record = f.desiredTable().get(NAME);
        assertThat(f.instance(ID).recordStatus()).isEqualTo(RecordStatus.PENDING);

        f.confirm(record, T0.plusSeconds(1));

        assertThat(f.instance(ID).recordStatus()).isEqualTo(RecordStatus.CONFIRMED);
        assertThat(f.desired.isEmpty()).isTrue();
    }

    @Test
    void outcomeForAnAddressTheInstanceNoLongerHasConfirmsNothing() {
        f.send(ID, "running", T0, "203.0.113.7", Map.of());
        DesiredRecord old = f.desiredTable().get(NAME);
        f.send(ID, "stopped", T0.plusSeconds(10), null, Map.of());
        f.send(ID, "running", T0.plusSeconds(20), "198.51.100.9", Map.of());

        f.confirm(old, T0.plusSeconds(21));

        assertThat(f.instance(ID).recordStatus()).isEqualTo(RecordStatus.PENDING);
    }

    @Test
    void privateAddressConfigurationPointsTheRecordAtThePrivateIp() {
        TopologyConfig d = TopologyConfig.defaults(TopologyFixture.DOMAIN);
        TopologyConfig privateZone = new TopologyConfig(d.topics(), d.domain(), d.linkTemplate(),
                TopologyConfig.AddressKind.PRIVATE, d.meetingIdTag(), d.roleTag(), d.ttl());
        try (TopologyFixture fixture = new TopologyFixture(privateZone)) {
            InstanceEvent running = fixture.send(ID, "running", T0, "203.0.113.7", Map.of());

            assertThat(fixture.desiredTable().get(NAME).content()).isEqualTo(running.privateIp());
        }
    }

    @Test
    void instanceWithoutTheChosenAddressHasNoRecordYet() {
        f.send(ID, "running", T0, null, Map.of());

        assertThat(f.desiredTable()).isEmpty();
        assertThat(f.instance(ID).recordStatus()).isEqualTo(RecordStatus.NONE);
    }

    @Test
    void anInstanceNoLongerTaggedForTheProjectLosesItsRecordButIsNotFinal() {
        f.send(ID, "running", T0, "203.0.113.7", tags("Project", "Elephant"));
        // The inventory sweep's word for "EC2 has it, but it is not tagged for the project any more".
        f.send(new InstanceEvent(InstanceEvent.SCHEMA_VERSION, "sweep-1", "sweep-1", InstanceEvent.SOURCE_EC2, ID,
                "running", T0.plusSeconds(60), null, null, Map.of(), false, null, null, true));
        assertThat(f.desiredTable()).containsEntry(NAME, null);

        f.send(ID, "running", T0.plusSeconds(120), "203.0.113.7", tags("Project", "Elephant"));

        assertThat(f.desiredTable().get(NAME).content()).isEqualTo("203.0.113.7");
    }

    @Test
    void aTerminatedInstanceIsForgottenAfterItsRetentionAndALateEventCannotBringItBack() {
        f.send(ID, "running", T0, "203.0.113.7", Map.of());
        f.send(ID, "terminated", T0.plusSeconds(60), null, Map.of());
        f.send("i-0000000000000fff1", "running", T0.plusSeconds(120), "203.0.113.8", Map.of());
        assertThat(f.instance(ID)).as("kept within the retention").isNotNull();

        // Another instance's event moves stream time eight days on: the punctuation forgets the terminated one.
        f.send("i-0000000000000fff2", "running", T0.plus(Duration.ofDays(8)), "203.0.113.9", Map.of());
        assertThat(f.instance(ID)).isNull();
        assertThat(f.instance("i-0000000000000fff1")).as("a running instance is never forgotten").isNotNull();
        f.desired.readRecordsToList();

        f.send(ID, "running", T0.plusSeconds(30), "203.0.113.7", Map.of()); // a very late delivery

        assertThat(f.instance(ID)).isNull();
        assertThat(f.desired.isEmpty()).as("no record comes back").isTrue();
    }
}
