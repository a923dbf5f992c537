package dev.elephant.topology.instances;

import dev.elephant.events.DnsMutation;
import dev.elephant.events.InstanceEvent;

/** What reaches the instance-state table: a lifecycle event, or the DNS sink's outcome for the instance's record. */
public record InstanceInput(InstanceEvent event, DnsMutation outcome) {

    public static InstanceInput of(InstanceEvent event) {
        return new InstanceInput(event, null);
    }

    public static InstanceInput of(DnsMutation outcome) {
        return new InstanceInput(null, outcome);
    }
}
