package dev.elephant.topology.meetings;

import dev.elephant.events.MachineAction;
import dev.elephant.events.MeetingEvent;
import dev.elephant.events.Tick;

/**
 * What reaches the meeting-state table: a meeting event, a change of one of the meeting's instances, the time,
 * or the outcome of a launch for one of its seats. Exactly one is set.
 */
public record MeetingInput(MeetingEvent meeting, InstanceSlot instance, Tick tick, MachineAction launchOutcome) {

    public static MeetingInput of(MeetingEvent meeting) {
        return new MeetingInput(meeting, null, null, null);
    }

    public static MeetingInput of(InstanceSlot instance) {
        return new MeetingInput(null, instance, null, null);
    }

    public static MeetingInput of(Tick tick) {
        return new MeetingInput(null, null, tick, null);
    }

    public static MeetingInput of(MachineAction launchOutcome) {
        return new MeetingInput(null, null, null, launchOutcome);
    }
}
