package dev.elephant.topology.instances;

import dev.elephant.events.Ec2State;
import dev.elephant.events.InstanceIds;
import dev.elephant.topology.TopologyConfig;
import java.time.Instant;
import java.util.Map;

/**
 * The latest state of one instance: a row of the {@code instance-state} table.
 *
 * @param stateTime    event time of the event that set {@code state}
 * @param lastEventId  id of the event applied last; a repeat of it is a no-op
 * @param causeId      the EventBridge event the current state came from
 * @param recordContent the content the record should have now, or null when no record is wanted
 */
public record InstanceState(
        int schemaVersion,
        String instanceId,
        String state,
        Instant stateTime,
        String publicIp,
        String privateIp,
        Map<String, String> tags,
        String lastEventId,
        String causeId,
        String recordName,
        String recordContent,
        RecordStatus recordStatus) {

    public static final int SCHEMA_VERSION = 1;

    public InstanceState {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    public Ec2State ec2State() {
        return Ec2State.fromWireName(state).orElseThrow();
    }

    public String meetingId(TopologyConfig config) {
        return tags.get(config.meetingIdTag());
    }

    public String role(TopologyConfig config) {
        return tags.get(config.roleTag());
    }

    /** The address a record should point at now, or null: only a running instance with an address has one. */
    static String desiredContent(String state, String publicIp, String privateIp, TopologyConfig config) {
        if (!Ec2State.RUNNING.wireName().equals(state)) {
            return null;
        }
        return config.address() == TopologyConfig.AddressKind.PUBLIC ? publicIp : privateIp;
    }

    static String recordNameOf(String instanceId, TopologyConfig config) {
        return InstanceIds.recordName(instanceId, config.domain());
    }

    InstanceState withRecordStatus(RecordStatus status) {
        return new InstanceState(schemaVersion, instanceId, state, stateTime, publicIp, privateIp, tags, lastEventId,
                causeId, recordName, recordContent, status);
    }
}
