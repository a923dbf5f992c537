package dev.elephant.topology.reaper;

import dev.elephant.events.Tick;

/**
 * What reaches the idle-instances table: an instance becoming idle ({@code idle} set) or ceasing to be ({@code
 * idle} null: it stopped running, ended, or joined a meeting), or the time. Instance changes travel through a
 * repartition topic; ticks are merged in right before the processor.
 */
public record IdleInput(String instanceId, IdleInstance idle, Tick tick) {

    public static IdleInput of(String instanceId, IdleInstance idle) {
        return new IdleInput(instanceId, idle, null);
    }

    public static IdleInput of(Tick tick) {
        return new IdleInput(null, null, tick);
    }
}
