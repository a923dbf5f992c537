package dev.elephant.events;

import java.time.Instant;
import java.util.Map;

/**
 * One state change of an instance as the connector learned it: the EventBridge event plus the facts
 * looked up at ingest, so that a replay of the log needs no AWS call. Key: the instance id.
 *
 * @param eventId  the EventBridge event id (duplicates from EventBridge repeat it)
 * @param causeId  the id of the event that caused this one; for EventBridge events, the event itself
 * @param found    false when the lookup no longer knew the instance: addresses and tags are then absent
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
        boolean found) {

    public static final int SCHEMA_VERSION = 1;
    public static final String SOURCE_EC2 = "aws.ec2";

    public InstanceEvent {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
