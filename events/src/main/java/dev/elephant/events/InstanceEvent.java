package dev.elephant.events;

import java.time.Instant;
import java.util.Map;

/**
 * One state change of an instance as the connector learned it: the EventBridge event plus the facts
 * looked up at ingest, so that a replay of the log needs no AWS call. Key: the instance id.
 *
 * @param eventId  the EventBridge event id (duplicates from EventBridge repeat it)
 * @param causeId  the id of the event that caused this one; for EventBridge events, the event itself
 * @param found    false when the lookup no longer knew the instance (or the ECS task's network
 *                 interface), when the inventory sweep found it no longer tagged for the project, or when EC2
 *                 throttled the lookup of a state that wants no record (anything but running): the addresses and
 *                 tags are then absent, so no record is wanted, and the tags the table knows are kept
 * @param state    EC2: the instance state ({@link Ec2State}); ECS: the task's lastStatus ({@link EcsStatus})
 * @param version  ECS only: the task's {@code detail.version}, which grows with every change; null for EC2
 * @param desiredStatus ECS only: the task's desiredStatus; null for EC2
 * @param sweep    true when the connector's inventory sweep wrote the event (EC2 delivers its own
 *                 events best effort; the sweep repairs a lost one)
 */
public record InstanceEvent(
        int schemaVersion,
        String eventId,
        String causeId,
        String source,
        String instanceId,
        String state,
        Instant time,
        String publicIp,
        String privateIp,
        Map<String, String> tags,
        boolean found,
        Long version,
        String desiredStatus,
        boolean sweep) {

    public static final int SCHEMA_VERSION = 1;
    public static final String SOURCE_EC2 = "aws.ec2";
    public static final String SOURCE_ECS = "aws.ecs";

    public boolean isEcs() {
        return SOURCE_ECS.equals(source);
    }

    public InstanceEvent {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
