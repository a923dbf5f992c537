package dev.elephant.topology.meetings;

import dev.elephant.events.MachineCommand;
import dev.elephant.events.MeetingEvent;
import dev.elephant.events.MeetingReady;
import dev.elephant.topology.common.MachinePolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** How a meeting's state moves, what it publishes and what it asks of EC2: pure, so a replay does the same. */
public final class MeetingRules {

    /** The state after one input, what to publish on {@code meeting-ready}, and what to ask of EC2 because of it. */
    public record Step(MeetingState state, Publication publication, List<MachineCommand> commands) {

        /** How many of the commands reap a leftover instance (each counts against a tick's reap limit). */
        public int reaps() {
            return (int) commands.stream().filter(MachineCommand::isReap).count();
        }
    }

    /** A value for meeting-ready, or a tombstone ({@code ready == null}). */
    public record Publication(MeetingReady ready) {}

    private final MeetingMachines machines;

    public MeetingRules(MachinePolicy policy) {
        this.machines = new MeetingMachines(policy);
    }

    /**
     * @param reapsLeft how many instances this input may still reap (a tick's limit, shared by the meetings of a
     *                  partition)
     */
    public Step apply(String meetingId, MeetingState current, MeetingInput input, int reapsLeft) {
        MeetingState base = current != null ? current : MeetingState.unscheduled(meetingId);
        List<MachineCommand> commands = new ArrayList<>();
        MeetingState next;
        if (input.meeting() != null) {
            next = onMeeting(base, input.meeting());
            if (next.isOver() && !base.isOver()) {
                next = machines.onOver(next, input.meeting().time(), commands);
            }
        } else if (input.instance() != null) {
            next = onInstance(base, input.instance());
        } else if (input.launchOutcome() != null) {
            next = machines.onLaunchOutcome(base, input.launchOutcome(), commands);
        } else {
            next = machines.onTick(base, input.tick().time(), reapsLeft, commands);
        }
        return publish(next, commands);
    }

    public Step apply(String meetingId, MeetingState current, MeetingInput input) {
        return apply(meetingId, current, input, Integer.MAX_VALUE);
    }

    /** The earliest time a tick may decide something for the meeting; null: none until an input changes it. */
    public Instant nextDue(MeetingState s) {
        return nextDue(s, null);
    }

    /** The same after a tick at {@code notBefore} looked at the meeting (see {@link MeetingMachines#nextDue}). */
    public Instant nextDue(MeetingState s, Instant notBefore) {
        return s == null ? null : machines.nextDue(s, notBefore);
    }

    /**
     * Ended and cancelled are final: nothing reopens the meeting. A "scheduled" event sets roles and
     * times unless a newer one already did (a meeting may be rescheduled; delivery order is not event
     * order); arriving after the end, it still fills in what the meeting was, without reopening it.
     */
    private static MeetingState onMeeting(MeetingState s, MeetingEvent event) {
        if (event instanceof MeetingEvent.Scheduled e) {
            if (s.scheduledTime() != null && !e.time().isAfter(s.scheduledTime())) {
                return s;
            }
            return s.isOver() ? s.withSchedule(s.lifecycle(), e).withLifecycle(s.lifecycle(), s.causeId())
                    : s.withSchedule(MeetingStatus.SCHEDULED, e);
        }
        if (s.isOver()) {
            return s;
        }
        MeetingStatus end = event instanceof MeetingEvent.Ended ? MeetingStatus.ENDED : MeetingStatus.CANCELLED;
        return s.over(end, event.eventId(), event.time());
    }

    private static MeetingState onInstance(MeetingState s, InstanceSlot slot) {
        Map<String, InstanceSlot> instances = new HashMap<>(s.instances());
        if (slot.ended()) {
            instances.remove(slot.instanceId());
            if (s.terminations().containsKey(slot.instanceId())) {
                Map<String, Instant> terminations = new HashMap<>(s.terminations());
                terminations.remove(slot.instanceId());
                s = s.withTerminations(terminations);
            }
        } else {
            instances.put(slot.instanceId(), slot);
        }
        return s.withInstances(instances);
    }

    private static Step publish(MeetingState s, List<MachineCommand> commands) {
        if (s.isOver()) {
            if (s.publishedLinks() == null) {
                return new Step(s, null, commands);
            }
            return new Step(s.withPublished(null), new Publication(null), commands);
        }
        Map<String, String> links = s.readyLinks();
        if (links == null || links.equals(s.publishedLinks())) {
            return new Step(s, null, commands);
        }
        Map<String, String> instances = new TreeMap<>();
        String causeId = s.causeId();
        for (String role : s.roles()) {
            InstanceSlot chosen = Objects.requireNonNull(s.chosenFor(role));
            instances.put(role, chosen.instanceId());
            causeId = chosen.causeId();
        }
        MeetingReady ready = new MeetingReady(MeetingReady.SCHEMA_VERSION, s.meetingId(), links, instances, causeId);
        return new Step(s.withPublished(links), new Publication(ready), commands);
    }
}
