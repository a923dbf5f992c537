package dev.elephant.topology.instances;

import dev.elephant.events.DnsMutation;
import dev.elephant.events.InstanceEvent;

/**
 * What reaches the instance-state table: a lifecycle event, or the DNS sink's outcome for the instance's
 * record. Never serialized: both streams are merged right before the processor.
 */
public sealed interface InstanceInput {

    record Event(InstanceEvent event) implements InstanceInput {}

    record Outcome(DnsMutation outcome) implements InstanceInput {}

    static InstanceInput of(InstanceEvent event) {
        return new Event(event);
    }

    static InstanceInput of(DnsMutation outcome) {
        return new Outcome(outcome);
    }
}
