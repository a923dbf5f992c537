package dev.elephant.connector.ecs;

/** Which tags of an ECS task the project filter, meeting and role tags are read from. */
public enum EcsTagSource {
    /** The task's own tags ({@code DescribeTasks}), which ECS propagates from its service or task definition. */
    TASK,
    /** The tags of the task's network interface, for setups that tag the ENIs themselves. */
    NETWORK_INTERFACE
}
