package dev.elephant.topology;

import dev.elephant.events.Ec2State;
import dev.elephant.events.InstanceEvent;
import dev.elephant.events.MeetingEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random but lawful histories: what AWS and the meeting service could really say, in the order it
 * happened. Each seed yields the same history, so a failing one can be replayed.
 */
final class LifecycleHistories {

    /** One input of a history: an instance event or a meeting event, at its event time. */
    sealed interface Input permits InstanceInput, MeetingInput {
        Instant time();
    }

    record InstanceInput(InstanceEvent event) implements Input {
        public Instant time() {
            return event.time();
        }

        @Override
        public String toString() {
            InstanceEvent e = event;
            return "instance " + e.instanceId() + " " + e.state()
                    + (e.version() != null ? " v" + e.version() + " desired=" + e.desiredStatus() : "")
                    + " at " + e.time() + " ip=" + e.publicIp() + " tags=" + e.tags() + " id=" + e.eventId();
        }
    }

    record MeetingInput(MeetingEvent event) implements Input {
        public Instant time() {
            if (event instanceof MeetingEvent.Scheduled s) {
                return s.time();
            }
            return event instanceof MeetingEvent.Ended e ? e.time() : ((MeetingEvent.Cancelled) event).time();
        }

        @Override
        public String toString() {
            return "meeting " + event;
        }
    }

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private final Random random;
    private final long seed;
    private int eventCounter;
    private int addressCounter;

    LifecycleHistories(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    /** One history: a meeting with its instances, an instance of no meeting, and an ECS task, in time order. */
    List<Input> history() {
        List<Input> inputs = new ArrayList<>();
        String meetingId = "m-" + Long.toHexString(seed);
        List<String> roles = random.nextBoolean() ? List.of("teacher", "student") : List.of("teacher");
        Instant scheduledAt = T0.plusSeconds(random.nextInt(120));
        if (random.nextInt(10) > 0) { // sometimes the meeting is never scheduled
            inputs.add(new MeetingInput(new MeetingEvent.Scheduled(1, "scheduled", meetingId, roles, scheduledAt,
                    scheduledAt.plusSeconds(3600), nextId("mevt"), scheduledAt)));
            if (random.nextInt(5) == 0) { // rescheduled: later, perhaps with other roles
                Instant at = scheduledAt.plusSeconds(1 + random.nextInt(200));
                List<String> newRoles = random.nextBoolean() ? List.of("teacher", "student") : List.of("teacher");
                inputs.add(new MeetingInput(new MeetingEvent.Scheduled(1, "scheduled", meetingId, newRoles,
                        at.plusSeconds(600), at.plusSeconds(4200), nextId("mevt"), at)));
            }
        }
        Instant latest = scheduledAt;
        for (String role : roles) {
            Map<String, String> tags = Map.of("Project", "Elephant", "MeetingId", meetingId, "Role", role);
            // The role's first instance may fail and be replaced. Not while it still runs: with two ready
            // instances a role keeps whichever was published first, and that depends on delivery order.
            boolean replaced = random.nextInt(4) == 0;
            Instant end = ec2Lifecycle(inputs, ec2Id(), tags, T0.plusSeconds(random.nextInt(120)), replaced);
            if (replaced) {
                end = ec2Lifecycle(inputs, ec2Id(), tags, end.plusSeconds(1 + random.nextInt(30)), false);
            }
            latest = latest.isAfter(end) ? latest : end;
        }
        ec2Lifecycle(inputs, ec2Id(), Map.of("Project", "Elephant"), T0.plusSeconds(random.nextInt(120)), false);
        ecsLifecycle(inputs, HexFormat.of().toHexDigits(random.nextLong()) + HexFormat.of().toHexDigits(seed),
                T0.plusSeconds(random.nextInt(120)));
        int ending = random.nextInt(4);
        if (ending == 0) {
            Instant at = latest.plusSeconds(1 + random.nextInt(60));
            inputs.add(new MeetingInput(new MeetingEvent.Ended(1, "ended", meetingId, nextId("mevt"), at)));
        } else if (ending == 1) {
            Instant at = latest.plusSeconds(1 + random.nextInt(60));
            inputs.add(new MeetingInput(new MeetingEvent.Cancelled(1, "cancelled", meetingId, nextId("mevt"), at)));
        }
        inputs.sort(Comparator.comparing(Input::time));
        return inputs;
    }

    /**
     * Delivery as EventBridge may do it: any order, with some inputs repeated (same event id). The
     * first input of each instance may come last, and so on.
     */
    List<Input> shuffledWithDuplicates(List<Input> history) {
        List<Input> delivered = new ArrayList<>(history);
        int duplicates = random.nextInt(1 + history.size() / 2);
        for (int i = 0; i < duplicates; i++) {
            delivered.add(history.get(random.nextInt(history.size())));
        }
        java.util.Collections.shuffle(delivered, random);
        return delivered;
    }

    /** pending → running, then stop/start cycles, then maybe termination; returns the last event time. */
    private Instant ec2Lifecycle(List<Input> inputs, String id, Map<String, String> tags, Instant start,
                                 boolean terminates) {
        Instant t = start;
        String ip = nextAddress();
        t = ec2(inputs, id, Ec2State.PENDING, t, ip, tags, false);
        t = ec2(inputs, id, Ec2State.RUNNING, t, ip, tags, true);
        int cycles = random.nextInt(3);
        for (int c = 0; c < cycles; c++) {
            t = ec2(inputs, id, Ec2State.STOPPING, t, null, tags, true);
            t = ec2(inputs, id, Ec2State.STOPPED, t, null, tags, true);
            ip = random.nextInt(5) == 0 ? ip : nextAddress(); // an Elastic IP keeps its address
            t = ec2(inputs, id, Ec2State.PENDING, t, ip, tags, false);
            t = ec2(inputs, id, Ec2State.RUNNING, t, ip, tags, true);
        }
        if (terminates || random.nextInt(3) > 0) {
            t = ec2(inputs, id, Ec2State.SHUTTING_DOWN, t, null, tags, true);
            t = ec2(inputs, id, Ec2State.TERMINATED, t, null, tags, true);
        }
        return t;
    }

    /**
     * Appends one EC2 event. The time moves forward, or stays when {@code mayTie} and the state's rank
     * is above the previous one's: EC2 event times have one-second resolution, and the rank is what
     * then orders them.
     */
    private Instant ec2(List<Input> inputs, String id, Ec2State state, Instant previous, String ip,
                        Map<String, String> tags, boolean mayTie) {
        Instant t = mayTie && random.nextInt(4) == 0 ? previous : previous.plusSeconds(1 + random.nextInt(30));
        String eventId = nextId("evt");
        inputs.add(new InstanceInput(new InstanceEvent(InstanceEvent.SCHEMA_VERSION, eventId, eventId,
                InstanceEvent.SOURCE_EC2, id, state.wireName(), t, ip, "10.0.0." + (addressCounter % 250), tags, true,
                null, null, false)));
        return t;
    }

    private void ecsLifecycle(List<Input> inputs, String taskId, Instant start) {
        String ip = nextAddress();
        String[][] steps = {
            {"PROVISIONING", "RUNNING"}, {"PENDING", "RUNNING"}, {"ACTIVATING", "RUNNING"}, {"RUNNING", "RUNNING"},
            {"DEACTIVATING", "STOPPED"}, {"STOPPING", "STOPPED"}, {"DEPROVISIONING", "STOPPED"}, {"STOPPED", "STOPPED"},
        };
        int last = random.nextBoolean() ? steps.length : 4; // some tasks are still running at the end
        Instant t = start;
        for (int v = 0; v < last; v++) {
            t = t.plusSeconds(random.nextInt(20)); // ECS times may tie: the version orders them
            String eventId = nextId("evt");
            boolean attached = v >= 2 && v <= 5;
            inputs.add(new InstanceInput(new InstanceEvent(InstanceEvent.SCHEMA_VERSION, eventId, eventId,
                    InstanceEvent.SOURCE_ECS, taskId, steps[v][0], t, attached ? ip : null, "10.0.1.7", Map.of(),
                    attached, (long) v + 1, steps[v][1], false)));
        }
    }

    private String ec2Id() {
        return "i-" + HexFormat.of().toHexDigits(random.nextLong()).substring(0, 17 - 2)
                + HexFormat.of().toHexDigits((byte) (eventCounter & 0xff));
    }

    private String nextAddress() {
        addressCounter++;
        return "203.0." + (addressCounter / 250 % 250) + "." + (1 + addressCounter % 250);
    }

    private String nextId(String prefix) {
        return prefix + "-" + Long.toHexString(seed) + "-" + (++eventCounter);
    }
}
