package dev.elephant.topology.meetings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.events.LaunchSpec;
import dev.elephant.events.Tick;
import dev.elephant.topology.common.MachinePolicy;
import dev.elephant.topology.common.RecordStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A tick reads only the meetings due by its time, so a meeting's due time must never be later than the first tick
 * that decides something for it, and a tick that acted must move it past that tick. Checked on meetings drawn at
 * random in every shape the rules tell apart: lifecycles, seats in every status, instances ready or not, ended,
 * kept, terminations asked for, with ticks before, at and after every time that matters.
 */
class MeetingDueTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final MachinePolicy POLICY = MachinePolicy.defaults();
    private static final LaunchSpec LAUNCH = new LaunchSpec("ami-0abc1234def567890", "t3.large", null, null, null,
            null, null);
    private static final List<String> ROLES = List.of("teacher", "student");
    private final MeetingRules rules = new MeetingRules(POLICY);

    @Test
    void aTickBeforeAMeetingsDueTimeDecidesNothingForItAndOneThatActsMovesItPastTheTick() {
        Random random = new Random(20261203);
        int acted = 0;
        for (int n = 0; n < 20_000; n++) {
            MeetingState s = meeting(random, "m-" + n);
            Instant due = rules.nextDue(s);
            for (int k = 0; k < 10; k++) {
                Instant t = T0.plusSeconds(random.nextInt(6 * 3600) - 2 * 3600);
                MeetingRules.Step step = tick(s, t);
                boolean decides = !step.commands().isEmpty() || !step.state().equals(s);
                if (due == null || t.isBefore(due)) {
                    assertThat(decides).as("a tick at %s before the due time %s decided something for %s", t, due, s)
                            .isFalse();
                }
                Instant lookedAt = t.minusSeconds(random.nextInt(3600));
                Instant dueAfterLook = rules.nextDue(s, lookedAt);
                if (dueAfterLook == null || t.isBefore(dueAfterLook)) {
                    assertThat(decides).as("a tick at %s, after one at %s made it due at %s, decided something for %s",
                            t, lookedAt, dueAfterLook, s).isFalse();
                }
                if (decides) {
                    acted++;
                    Instant next = rules.nextDue(step.state(), t);
                    assertThat(next == null || next.isAfter(t))
                            .as("after a tick at %s acted, %s is due again at %s", t, step.state(), next).isTrue();
                }
            }
        }
        assertThat(acted).as("ticks that decided something, among those drawn").isGreaterThan(10_000);
    }

    private MeetingRules.Step tick(MeetingState s, Instant t) {
        return rules.apply(s.meetingId(), s, MeetingInput.of(new Tick(Tick.SCHEMA_VERSION, t)), Integer.MAX_VALUE);
    }

    private static MeetingState meeting(Random random, String id) {
        MeetingStatus lifecycle = pick(random, MeetingStatus.UNSCHEDULED, MeetingStatus.SCHEDULED, MeetingStatus.SCHEDULED,
                MeetingStatus.ENDED, MeetingStatus.CANCELLED);
        boolean scheduled = lifecycle != MeetingStatus.UNSCHEDULED || random.nextInt(4) == 0;
        List<String> roles = scheduled ? ROLES.subList(0, 1 + random.nextInt(2)) : List.of();
        Instant startsAt = scheduled ? at(random) : null;
        Instant endsAt = scheduled ? startsAt.plusSeconds(60 * (10 + random.nextInt(80))) : null;
        Map<String, InstanceSlot> instances = new HashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            String instanceId = "i-00000000000000" + i + random.nextInt(10);
            boolean confirmed = random.nextBoolean();
            instances.put(instanceId, new InstanceSlot(instanceId, pick(random, "teacher", "student", null), "running",
                    confirmed ? RecordStatus.CONFIRMED : RecordStatus.PENDING, instanceId + ".elephant.test",
                    "https://" + instanceId + ".elephant.test:8443", "evt-" + i, random.nextInt(5) == 0,
                    random.nextInt(6) == 0 ? null : at(random), random.nextInt(6) == 0));
        }
        Map<String, SeatLaunch> seats = new HashMap<>();
        for (String role : roles) {
            if (random.nextBoolean()) {
                int attempt = 1 + random.nextInt(4);
                seats.put(role, new SeatLaunch(attempt, "elephant-" + role + attempt, pick(random,
                        SeatLaunch.Status.values()), List.of(), null, null, random.nextBoolean(), at(random)));
            }
        }
        Map<String, Instant> terminations = new HashMap<>();
        List<String> ids = new ArrayList<>(instances.keySet());
        ids.add("i-0000000000000fff9"); // one the meeting never saw
        for (String instanceId : ids) {
            if (random.nextInt(3) == 0) {
                terminations.put(instanceId, at(random));
            }
        }
        boolean over = lifecycle == MeetingStatus.ENDED || lifecycle == MeetingStatus.CANCELLED;
        MeetingState s = new MeetingState(MeetingState.SCHEMA_VERSION, id, lifecycle, roles, startsAt, endsAt, instances,
                null, "evt-0", scheduled ? T0.minusSeconds(86_400) : null, random.nextInt(4) == 0 ? null : LAUNCH,
                seats, terminations, over && random.nextInt(5) != 0 ? at(random) : null, null);
        // Published as every input leaves it: the links of a ready meeting, nothing for one over.
        return s.withPublished(over ? null : s.readyLinks());
    }

    /** A time within the hours around T0 that the ticks are drawn from. */
    private static Instant at(Random random) {
        return T0.plus(Duration.ofSeconds(random.nextInt(5 * 3600) - 2 * 3600));
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... options) {
        return options[random.nextInt(options.length)];
    }
}
