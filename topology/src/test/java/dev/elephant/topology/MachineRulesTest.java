package dev.elephant.topology;

import static dev.elephant.topology.TopologyFixture.DOMAIN;
import static dev.elephant.topology.TopologyFixture.T0;
import static dev.elephant.topology.TopologyFixture.tags;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.events.LaunchSpec;
import dev.elephant.events.MachineAction;
import dev.elephant.events.MachineCommand;
import dev.elephant.topology.common.ClientTokens;
import dev.elephant.topology.common.MachinePolicy;
import dev.elephant.topology.common.TopologyConfig;
import dev.elephant.topology.meetings.SeatLaunch;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The meeting's machines: launched at start − lead, one per seat, idempotently; terminated when the meeting ends;
 * what is left over reaped after reapAfter. Time comes from ticks only.
 */
class MachineRulesTest {

    private static final LaunchSpec LAUNCH = new LaunchSpec("ami-0abc1234def567890", "t3.large", null, null, null,
            null, Map.of("teacher", new LaunchSpec(null, "t3.xlarge", null, null, null, null, null)));
    private static final Instant STARTS = T0.plus(Duration.ofMinutes(30));
    private static final Instant ENDS = STARTS.plus(Duration.ofHours(1));
    private static final MachinePolicy POLICY = MachinePolicy.defaults();

    private TopologyFixture f = new TopologyFixture(TopologyConfig.defaults(DOMAIN).withMachines(POLICY));

    @AfterEach
    void close() {
        f.close();
    }

    private void scheduleWithLaunch() {
        f.schedule("m-1", List.of("teacher", "student"), STARTS, ENDS, LAUNCH, T0);
    }

    private List<MachineCommand> commands() {
        return f.commands.readValuesToList();
    }

    private static MachineAction launched(MachineCommand c, String instanceId, Instant at) {
        return MachineAction.applied(c, List.of(instanceId), null, at);
    }

    private void running(String id, String role, Instant at) {
        f.send(id, "running", at, "203.0.113.9", tags("Project", "Elephant", "MeetingId", "m-1", "Role", role));
    }

    @Test
    void eachRoleIsLaunchedOnceAtStartMinusLeadWithAClientTokenFromMeetingRoleAndAttempt() {
        scheduleWithLaunch();
        f.tick(STARTS.minus(POLICY.lead()).minusSeconds(1));
        assertThat(commands()).as("not before start − lead").isEmpty();

        f.tick(STARTS.minus(POLICY.lead()));
        List<MachineCommand> launches = commands();
        assertThat(launches).extracting(MachineCommand::role).containsExactlyInAnyOrder("teacher", "student");
        MachineCommand teacher = launches.stream().filter(c -> c.role().equals("teacher")).findFirst().orElseThrow();
        assertThat(teacher.action()).isEqualTo(MachineCommand.Action.LAUNCH);
        assertThat(teacher.attempt()).isEqualTo(1);
        assertThat(teacher.clientToken()).isEqualTo(ClientTokens.forSeat("m-1", "teacher", 1)).hasSizeLessThanOrEqualTo(64);
        assertThat(teacher.commandId()).isEqualTo(teacher.clientToken());
        assertThat(teacher.launch().instanceType()).as("the role's override").isEqualTo("t3.xlarge");
        assertThat(teacher.launch().imageId()).isEqualTo("ami-0abc1234def567890");
        assertThat(f.meeting("m-1").seats().get("teacher").status()).isEqualTo(SeatLaunch.Status.REQUESTED);

        f.tick(STARTS.minus(POLICY.lead()).plusSeconds(5));
        assertThat(commands()).as("a seat asked for is not asked for again").isEmpty();
    }

    @Test
    void aMeetingWithoutLaunchLaunchesNothing() {
        f.schedule("m-1", List.of("teacher"), STARTS, ENDS, null, T0);
        f.tick(STARTS);
        assertThat(commands()).isEmpty();
    }

    @Test
    void aRescheduledMeetingMovesItsLaunch() {
        scheduleWithLaunch();
        Instant later = STARTS.plus(Duration.ofHours(2));
        f.schedule("m-1", List.of("teacher", "student"), later, later.plus(Duration.ofHours(1)), LAUNCH,
                T0.plusSeconds(1));
        f.tick(STARTS.minus(POLICY.lead()));
        assertThat(commands()).isEmpty();
        f.tick(later.minus(POLICY.lead()));
        assertThat(commands()).hasSize(2);
    }

    @Test
    void aCancelledMeetingLaunchesNothingAndTerminatesWhatItLaunched() {
        scheduleWithLaunch();
        f.tick(STARTS.minus(POLICY.lead()));
        List<MachineCommand> launches = commands();
        f.outcome(launched(launches.get(0), "i-0000000000000aaa1", STARTS.minusSeconds(200)));
        running("i-0000000000000aaa1", launches.get(0).role(), STARTS.minusSeconds(190));

        f.cancel("m-1", STARTS.minusSeconds(100));
        List<MachineCommand> after = commands();
        assertThat(after).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(MachineCommand.Action.TERMINATE);
            assertThat(c.instanceIds()).containsExactly("i-0000000000000aaa1");
            assertThat(c.reason()).isEqualTo("meeting-cancelled");
        });

        // The other seat's launch lands after the cancellation: it is terminated as soon as it is known.
        f.outcome(launched(launches.get(1), "i-0000000000000bbb2", STARTS.minusSeconds(90)));
        assertThat(commands()).singleElement().satisfies(c -> {
            assertThat(c.instanceIds()).containsExactly("i-0000000000000bbb2");
            assertThat(c.reason()).isEqualTo("meeting-cancelled");
        });
        f.tick(STARTS);
        assertThat(commands()).as("nothing launched for a cancelled meeting").isEmpty();
    }

    @Test
    void endedTerminatesTheMeetingsInstancesOnceAndAsksAgainIfOneStillRuns() {
        scheduleWithLaunch();
        f.tick(STARTS.minus(POLICY.lead()));
        for (MachineCommand c : commands()) {
            String id = c.role().equals("teacher") ? "i-0000000000000aaa1" : "i-0000000000000bbb2";
            f.outcome(launched(c, id, STARTS.minusSeconds(250)));
            running(id, c.role(), STARTS.minusSeconds(240));
        }
        f.end("m-1", ENDS);
        assertThat(commands()).singleElement().satisfies(c -> {
            assertThat(c.instanceIds()).containsExactly("i-0000000000000aaa1", "i-0000000000000bbb2");
            assertThat(c.reason()).isEqualTo("meeting-ended");
        });
        f.send("i-0000000000000aaa1", "terminated", ENDS.plusSeconds(30), null,
                tags("Project", "Elephant", "MeetingId", "m-1", "Role", "teacher"));
        f.tick(ENDS.plus(POLICY.retryMax()).minusSeconds(1));
        assertThat(commands()).isEmpty();
        f.tick(ENDS.plus(POLICY.retryMax()));
        assertThat(commands()).as("only the instance still running is asked for again").singleElement()
                .satisfies(c -> assertThat(c.instanceIds()).containsExactly("i-0000000000000bbb2"));
    }

    @Test
    void aFailedLaunchShowsOnItsSeatAndIsTriedAgainAsTheNextAttemptAfterItsBackoff() {
        scheduleWithLaunch();
        Instant due = STARTS.minus(POLICY.lead());
        f.tick(due);
        MachineCommand teacher = commands().stream().filter(c -> c.role().equals("teacher")).findFirst().orElseThrow();
        f.outcome(MachineAction.unsuccessful(teacher, MachineAction.Phase.FAILED, "InsufficientInstanceCapacity",
                "no capacity", true, due.plusSeconds(1)));
        SeatLaunch seat = f.meeting("m-1").seats().get("teacher");
        assertThat(seat.status()).isEqualTo(SeatLaunch.Status.FAILED);
        assertThat(seat.error()).isEqualTo("InsufficientInstanceCapacity");

        f.tick(due.plusSeconds(1).plus(POLICY.launchRetryAfter(1)).minusMillis(1));
        assertThat(commands()).isEmpty();
        f.tick(due.plusSeconds(1).plus(POLICY.launchRetryAfter(1)));
        MachineCommand second = commands().get(0);
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.clientToken()).isEqualTo(ClientTokens.forSeat("m-1", "teacher", 2))
                .isNotEqualTo(teacher.clientToken());

        f.outcome(MachineAction.unsuccessful(second, MachineAction.Phase.FAILED, "InvalidAMIID.NotFound", "no image",
                false, due.plusSeconds(30)));
        f.tick(due.plus(Duration.ofHours(1)));
        assertThat(commands()).as("a launch that can never succeed is not tried again").isEmpty();
        assertThat(f.meeting("m-1").seats().get("teacher").error()).isEqualTo("InvalidAMIID.NotFound");
    }

    @Test
    void anOutcomeOfAnEarlierAttemptChangesNothing() {
        scheduleWithLaunch();
        f.tick(STARTS.minus(POLICY.lead()));
        MachineCommand teacher = commands().stream().filter(c -> c.role().equals("teacher")).findFirst().orElseThrow();
        f.outcome(MachineAction.unsuccessful(teacher, MachineAction.Phase.FAILED, "RequestLimitExceeded", "slow down",
                true, STARTS.minusSeconds(299)));
        f.tick(STARTS);
        assertThat(commands()).extracting(MachineCommand::attempt).containsExactly(2);
        f.outcome(launched(teacher, "i-0000000000000aaa1", STARTS.plusSeconds(1)));
        assertThat(f.meeting("m-1").seats().get("teacher").status()).isEqualTo(SeatLaunch.Status.REQUESTED);
    }

    @Test
    void aRoleThatAlreadyHasALiveInstanceIsNotLaunchedFor() {
        scheduleWithLaunch();
        running("i-0000000000000aaa1", "teacher", T0.plusSeconds(10));
        f.tick(STARTS.minus(POLICY.lead()));
        assertThat(commands()).extracting(MachineCommand::role).containsExactly("student");
    }

    @Test
    void theSafetyNetReapsAnInstanceWithoutAMeetingAfterReapAfterButNeverOneTaggedKeep() {
        f.send("i-0000000000000ccc3", "running", T0, "203.0.113.3", tags("Project", "Elephant"));
        f.send("i-0000000000000ddd4", "running", T0, "203.0.113.4", tags("Project", "Elephant", "elephant:keep", "true"));
        f.send("i-0000000000000eee5", "running", T0, "203.0.113.5", tags("Project", "Elephant"));
        f.send("i-0000000000000eee5", "stopped", T0.plusSeconds(60), null, tags("Project", "Elephant"));
        f.tick(T0.plus(POLICY.reapAfter()).minusSeconds(1));
        assertThat(commands()).isEmpty();

        f.tick(T0.plus(POLICY.reapAfter()));
        assertThat(commands()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(MachineCommand.Action.TERMINATE);
            assertThat(c.instanceIds()).containsExactly("i-0000000000000ccc3");
            assertThat(c.reason()).isEqualTo("no-meeting");
        });
        f.tick(T0.plus(POLICY.reapAfter()).plusSeconds(5));
        assertThat(commands()).as("asked once, not at every tick").isEmpty();
        f.tick(T0.plus(POLICY.reapAfter()).plus(POLICY.retryMax()));
        assertThat(commands()).as("asked again while it still runs").hasSize(1);
        f.send("i-0000000000000ccc3", "terminated", T0.plus(Duration.ofMinutes(21)), null, tags("Project", "Elephant"));
        f.tick(T0.plus(Duration.ofHours(2)));
        assertThat(commands()).isEmpty();
    }

    @Test
    void anInstanceOfAMeetingThatEndedIsReapedAfterReapAfterWhenSomeoneElseLaunchedIt() {
        f.schedule("m-1", List.of("teacher"), STARTS, ENDS, null, T0);
        running("i-0000000000000aaa1", "teacher", STARTS);
        f.end("m-1", ENDS);
        assertThat(commands()).as("a meeting without launch terminates nothing at its end").isEmpty();
        f.tick(ENDS.plus(POLICY.reapAfter()));
        assertThat(commands()).singleElement().satisfies(c -> assertThat(c.reason()).isEqualTo("meeting-over"));
    }

    @Test
    void anInstanceOfAMeetingThatNeverBecameReadyIsReapedButNotOneOfAReadyMeeting() {
        f.schedule("m-1", List.of("teacher", "student"), STARTS, ENDS, null, T0);
        running("i-0000000000000aaa1", "teacher", STARTS.minusSeconds(60));
        f.tick(STARTS.plus(POLICY.reapAfter()).minusSeconds(1));
        assertThat(commands()).isEmpty();
        f.tick(STARTS.plus(POLICY.reapAfter()));
        assertThat(commands()).singleElement().satisfies(c -> assertThat(c.reason()).isEqualTo("never-ready"));

        f.schedule("m-2", List.of("teacher"), STARTS, ENDS, null, T0);
        f.send("i-0000000000000bbb2", "running", STARTS, "203.0.113.2",
                tags("Project", "Elephant", "MeetingId", "m-2", "Role", "teacher"));
        f.confirm(f.desiredTable().get("i-0000000000000bbb2." + DOMAIN), STARTS.plusSeconds(1));
        f.tick(STARTS.plus(Duration.ofHours(3)));
        assertThat(commands()).extracting(MachineCommand::meetingId).doesNotContain("m-2");
    }

    @Test
    void anInstanceTaggedForAMeetingNeverScheduledIsReapedAsHavingNoMeeting() {
        running("i-0000000000000aaa1", "teacher", T0);
        f.tick(T0.plus(POLICY.reapAfter()));
        assertThat(commands()).singleElement().satisfies(c -> {
            assertThat(c.reason()).isEqualTo("no-meeting");
            assertThat(c.meetingId()).isEqualTo("m-1");
        });
    }

    @Test
    void atMostReapMaxPerTickAreReapedPerTickTheRestAtTheNext() {
        f.close();
        f = new TopologyFixture(TopologyConfig.defaults(DOMAIN).withMachines(POLICY.withReapMaxPerTick(2)));
        for (int i = 0; i < 5; i++) {
            f.send("i-000000000000000" + i + "0", "running", T0, "203.0.113." + i, tags("Project", "Elephant"));
        }
        f.tick(T0.plus(POLICY.reapAfter()));
        assertThat(commands()).hasSize(2);
        f.tick(T0.plus(POLICY.reapAfter()).plusSeconds(5));
        assertThat(commands()).hasSize(2);
        f.tick(T0.plus(POLICY.reapAfter()).plusSeconds(10));
        assertThat(commands()).hasSize(1);
    }

    @Test
    void underTheReapLimitTheInstancesDueLongestAreReapedFirst() {
        f.close();
        f = new TopologyFixture(TopologyConfig.defaults(DOMAIN).withMachines(POLICY.withReapMaxPerTick(2)));
        // The later an instance started, the earlier its id sorts: the order of ids is not the order of reaping.
        for (int i = 0; i < 4; i++) {
            f.send("i-000000000000000" + i + "0", "running", T0.minusSeconds(60L * (i + 1)), "203.0.113." + i,
                    tags("Project", "Elephant"));
        }
        f.tick(T0.plus(POLICY.reapAfter()));
        assertThat(commands()).flatExtracting(MachineCommand::instanceIds)
                .containsExactlyInAnyOrder("i-00000000000000030", "i-00000000000000020");
        f.tick(T0.plus(POLICY.reapAfter()).plusSeconds(5));
        assertThat(commands()).flatExtracting(MachineCommand::instanceIds)
                .containsExactlyInAnyOrder("i-00000000000000010", "i-00000000000000000");
    }

    @Test
    void theSameLogDecidesTheSameCommandsWithTheSameIds() {
        Consumer<TopologyFixture> history = fx -> {
            fx.schedule("m-1", List.of("teacher", "student"), STARTS, ENDS, LAUNCH, T0);
            fx.send("i-0000000000000ccc3", "running", T0, "203.0.113.3", tags("Project", "Elephant"));
            fx.tick(STARTS.minus(POLICY.lead()));
            fx.tick(T0.plus(POLICY.reapAfter()));
            fx.end("m-1", ENDS);
        };
        history.accept(f);
        List<MachineCommand> first = commands();
        f.close();
        f = new TopologyFixture(TopologyConfig.defaults(DOMAIN).withMachines(POLICY));
        history.accept(f);
        assertThat(commands()).isEqualTo(first).isNotEmpty();
    }
}
