package dev.elephant.topology.instances;

import dev.elephant.events.Ec2State;
import dev.elephant.events.EcsStatus;
import dev.elephant.events.InstanceEvent;
import dev.elephant.events.InstanceIds;
import dev.elephant.topology.common.RecordStatus;
import dev.elephant.topology.common.TopologyConfig;
import java.time.Instant;
import java.util.Map;

/**
 * The latest state of one instance: a row of the {@code instance-state} table.
 *
 * @param source       {@code aws.ec2} or {@code aws.ecs}
 * @param state        EC2 instance state, or the ECS task's lastStatus
 * @param version      ECS only: the task version of the event that set the state
 * @param stateTime    event time of the event that set {@code state}
 * @param lastEventId  id of the event applied last; a repeat of it is a no-op
 * @param causeId      the EventBridge event the current state came from
 * @param recordContent the content the record should have now, or null when no record is wanted
 */
public record InstanceState(
        int schemaVersion,
        String instanceId,
        String source,
        String state,
        Long version,
        String desiredStatus,
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

    public boolean isEcs() {
        return InstanceEvent.SOURCE_ECS.equals(source);
    }

    /** Nothing moves this state any more: a terminated instance, a task that stopped. */
    public boolean isFinal() {
        return isEcs() ? EcsStatus.fromWireName(state).map(EcsStatus::isFinal).orElse(false)
                : Ec2State.fromWireName(state).map(Ec2State::isFinal).orElse(false);
    }

    public String meetingId(TopologyConfig config) {
        return tags.get(config.meetingIdTag());
    }

    public String role(TopologyConfig config) {
        return tags.get(config.roleTag());
    }

    /**
     * The address a record should point at now, or null: only a running instance (a task whose last and
     * desired status are both RUNNING) with an address has one.
     */
    static String desiredContent(InstanceEvent e, String publicIp, String privateIp, TopologyConfig config) {
        boolean up = e.isEcs()
                ? EcsStatus.RUNNING.name().equals(e.state()) && EcsStatus.RUNNING.name().equals(e.desiredStatus())
                : Ec2State.RUNNING.wireName().equals(e.state());
        if (!up) {
            return null;
        }
        return config.address() == TopologyConfig.AddressKind.PUBLIC ? publicIp : privateIp;
    }

    static String recordNameOf(String instanceId, TopologyConfig config) {
        return InstanceIds.recordName(instanceId, config.domain());
    }

    InstanceState withRecordStatus(RecordStatus status) {
        return new InstanceState(schemaVersion, instanceId, source, state, version, desiredStatus, stateTime, publicIp,
                privateIp, tags, lastEventId, causeId, recordName, recordContent, status);
    }
}
