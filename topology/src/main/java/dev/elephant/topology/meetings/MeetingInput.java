package dev.elephant.topology.meetings;

import dev.elephant.events.MeetingEvent;

/** What reaches the meeting-state table: a meeting event, or a change of one of the meeting's instances. */
public record MeetingInput(MeetingEvent meeting, InstanceSlot instance) {

    public static MeetingInput of(MeetingEvent meeting) {
        return new MeetingInput(meeting, null);
    }

    public static MeetingInput of(InstanceSlot instance) {
        return new MeetingInput(null, instance);
    }
}
