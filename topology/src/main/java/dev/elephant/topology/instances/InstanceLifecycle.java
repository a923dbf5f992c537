package dev.elephant.topology.instances;

import dev.elephant.events.DnsMutation;
import dev.elephant.events.Ec2State;
import dev.elephant.events.EcsStatus;
import dev.elephant.events.InstanceEvent;
import dev.elephant.topology.common.RecordStatus;
import dev.elephant.topology.common.TopologyConfig;
import java.util.Objects;
import java.util.Optional;

/**
 * The rules that move an instance's state: pure functions of the state held and one input, so the
 * same log always yields the same table.
 */
public final class InstanceLifecycle {

    private final TopologyConfig config;

    public InstanceLifecycle(TopologyConfig config) {
        this.config = config;
    }

    /**
     * Applies an event when it is newer than the state held (EC2: event time, then lifecycle rank;
     * ECS: the task version); a repeated event id, an older event, or anything after a final state
     * ({@code terminated}, a stopped task) changes nothing.
     */
    public Optional<InstanceState> apply(InstanceState current, InstanceEvent event) {
        if (current != null) {
            if (Objects.equals(current.lastEventId(), event.eventId())) {
                return Optional.empty();
            }
            if (!isNewer(event, current)) {
                return Optional.empty();
            }
            // A final state never gives the record back; only a newer final state may follow it (a task
            // reported DEPROVISIONING and then, one version on, STOPPED).
            if (current.isFinal() && !isFinal(event)) {
                return Optional.empty();
            }
        }
        // A lookup that no longer found the instance tells nothing about its tags: keep the ones known,
        // so a terminated instance still leaves its meeting.
        String publicIp = event.found() ? event.publicIp() : null;
        String privateIp = event.found() ? event.privateIp() : null;
        var tags = event.found() || current == null ? event.tags() : current.tags();
        if (!event.found() && event.isEcs() && event.privateIp() != null) {
            privateIp = event.privateIp(); // the task's event names its private address itself
        }
        String content = InstanceState.desiredContent(event, publicIp, privateIp, config);
        RecordStatus status;
        if (content == null) {
            status = RecordStatus.NONE;
        } else if (current != null && content.equals(current.recordContent())) {
            status = current.recordStatus();
        } else {
            status = RecordStatus.PENDING;
        }
        return Optional.of(new InstanceState(InstanceState.SCHEMA_VERSION, event.instanceId(), event.source(),
                event.state(), event.version(), event.desiredStatus(),
                event.time(), publicIp, privateIp, tags, event.eventId(), event.causeId(),
                InstanceState.recordNameOf(event.instanceId(), config), content, status));
    }

    private static boolean isNewer(InstanceEvent event, InstanceState current) {
        if (event.isEcs() && event.version() != null && current.version() != null) {
            // ECS numbers every change of a task; a repeat has the same version, an older one a lower.
            return event.version() > current.version();
        }
        int byTime = event.time().compareTo(current.stateTime());
        return byTime > 0 || (byTime == 0 && rank(event.state()) > rank(current.state()));
    }

    private static boolean isFinal(InstanceEvent event) {
        return event.isEcs() ? EcsStatus.fromWireName(event.state()).map(EcsStatus::isFinal).orElse(false)
                : Ec2State.fromWireName(event.state()).map(Ec2State::isFinal).orElse(false);
    }

    private static int rank(String state) {
        return Ec2State.fromWireName(state).map(Ec2State::rank)
                .orElseGet(() -> EcsStatus.fromWireName(state).map(Enum::ordinal).orElse(-1));
    }

    /**
     * Records what the DNS sink reported. Only an outcome for the record's current content counts:
     * a late outcome for an address the instance no longer has confirms nothing.
     */
    public Optional<InstanceState> confirm(InstanceState current, DnsMutation outcome) {
        if (current == null || current.recordContent() == null) {
            return Optional.empty();
        }
        boolean aboutCurrentContent = outcome.action() != DnsMutation.Action.DELETE
                && current.recordContent().equals(outcome.content());
        if (!aboutCurrentContent) {
            return Optional.empty();
        }
        RecordStatus status = switch (outcome.phase()) {
            case APPLIED, NOOP, DRIFT_REPAIRED -> RecordStatus.CONFIRMED;
            case FAILED -> RecordStatus.FAILED;
            case INTENT, DRY_RUN -> current.recordStatus();
        };
        return status == current.recordStatus() ? Optional.empty() : Optional.of(current.withRecordStatus(status));
    }
}
