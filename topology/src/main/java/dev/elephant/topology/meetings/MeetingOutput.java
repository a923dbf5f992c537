package dev.elephant.topology.meetings;

import dev.elephant.events.MachineCommand;
import dev.elephant.events.MeetingReady;

/**
 * What the meeting-state table sends on: a value for {@code meeting-ready} (a tombstone when {@code ready} is null),
 * or a command for EC2. Never serialized: split right after the processor.
 */
public record MeetingOutput(MeetingReady ready, MachineCommand command) {

    public static MeetingOutput publication(MeetingReady ready) {
        return new MeetingOutput(ready, null);
    }

    public static MeetingOutput of(MachineCommand command) {
        return new MeetingOutput(null, command);
    }

    public boolean isCommand() {
        return command != null;
    }
}
