package dev.elephant.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * One entry of the EC2 audit trail on {@code machine-actions}, keyed like the command it carries out. Every EC2
 * call that changes something is an {@link Phase#INTENT} before the call and one outcome after it, sharing the
 * command's id: {@link Phase#APPLIED} (with the instances launched or terminated), {@link Phase#FAILED} (EC2's error
 * code), {@link Phase#REFUSED} (a cost guard said no, nothing was called), {@link Phase#DRY_RUN} (a reap a dry run
 * would have made).
 *
 * @param error     EC2's error code ({@code InsufficientInstanceCapacity}, {@code InstanceLimitExceeded}, ...) or
 *                  Elephant's ({@code max-running}), null unless failed or refused
 * @param retryable whether the same launch may succeed later (capacity, quota, throttling), so it is tried again
 */
public record MachineAction(
        int schemaVersion,
        String commandId,
        Phase phase,
        MachineCommand.Action action,
        String meetingId,
        String role,
        int attempt,
        String clientToken,
        List<String> instanceIds,
        String reason,
        String error,
        String detail,
        boolean retryable,
        String causeId,
        Instant time) {

    public static final int SCHEMA_VERSION = 1;

    public MachineAction {
        instanceIds = instanceIds == null ? List.of() : List.copyOf(instanceIds);
    }

    /**
     * Its key on {@code machine-commands} and {@code machine-actions}: the meeting's id, or for an instance without a
     * meeting its id. An audit record lands in the partition of the same number as its command.
     */
    @JsonIgnore
    public String key() {
        return MachineCommand.keyOf(meetingId, instanceIds, commandId);
    }

    public enum Phase {
        @JsonProperty("intent") INTENT,
        @JsonProperty("applied") APPLIED,
        @JsonProperty("failed") FAILED,
        @JsonProperty("refused") REFUSED,
        @JsonProperty("dry-run") DRY_RUN;

        public boolean isOutcome() {
            return this != INTENT;
        }
    }

    public static MachineAction intent(MachineCommand c, Instant at) {
        return new MachineAction(SCHEMA_VERSION, c.commandId(), Phase.INTENT, c.action(), c.meetingId(), c.role(),
                c.attempt(), c.clientToken(), c.instanceIds(), c.reason(), null, null, false, c.causeId(), at);
    }

    public static MachineAction applied(MachineCommand c, List<String> instanceIds, String detail, Instant at) {
        return new MachineAction(SCHEMA_VERSION, c.commandId(), Phase.APPLIED, c.action(), c.meetingId(), c.role(),
                c.attempt(), c.clientToken(), instanceIds, c.reason(), null, detail, false, c.causeId(), at);
    }

    public static MachineAction unsuccessful(MachineCommand c, Phase phase, String error, String detail,
                                             boolean retryable, Instant at) {
        if (phase != Phase.FAILED && phase != Phase.REFUSED && phase != Phase.DRY_RUN) {
            throw new IllegalArgumentException(phase + " is not failed, refused or dry-run");
        }
        return new MachineAction(SCHEMA_VERSION, c.commandId(), phase, c.action(), c.meetingId(), c.role(),
                c.attempt(), c.clientToken(), c.instanceIds(), c.reason(), error, detail, retryable, c.causeId(), at);
    }
}
