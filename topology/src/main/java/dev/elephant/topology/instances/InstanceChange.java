package dev.elephant.topology.instances;

/** A row of the instance-state table before and after one input changed it; {@code before} is null for a new instance. */
public record InstanceChange(InstanceState before, InstanceState after) {}
