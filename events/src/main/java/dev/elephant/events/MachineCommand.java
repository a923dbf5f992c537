package dev.elephant.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * What the topology decided to do to EC2, on {@code machine-commands}: launch a meeting's seat, or terminate
 * instances. Keyed by meeting id (an instance id for an instance without a meeting). The same decision always has
 * the same {@code commandId} (a launch's is its client token), so the executor knows a command it already carried
 * out, whether it comes again from a retry, a restart or a replay.
 *
 * @param attempt     a launch's attempt for its seat, from 1; a failed launch is tried again as the next attempt
 * @param clientToken RunInstances' idempotency token: derived from the meeting, the role and the attempt
 * @param launch      a launch's settings, resolved for its role
 * @param instanceIds a termination's instances
 * @param reason      why: {@code scheduled} for a launch; {@code meeting-ended}, {@code meeting-cancelled},
 *                    {@code no-meeting}, {@code meeting-over}, {@code never-ready} for a termination
 * @param time        the time (a tick's, or the causing event's) the decision was made at
 */
public record MachineCommand(
        int schemaVersion,
        String commandId,
        Action action,
        String meetingId,
        String role,
        int attempt,
        String clientToken,
        LaunchSpec launch,
        List<String> instanceIds,
        String reason,
        String causeId,
        Instant time) {

    public static final int SCHEMA_VERSION = 1;

    public static final String SCHEDULED = "scheduled";
    public static final String MEETING_ENDED = "meeting-ended";
    public static final String MEETING_CANCELLED = "meeting-cancelled";
    /** Reaped: running without a meeting (none tagged, or one never scheduled). */
    public static final String NO_MEETING = "no-meeting";
    /** Reaped: its meeting ended or was cancelled reapAfter ago. */
    public static final String MEETING_OVER = "meeting-over";
    /** Reaped: its meeting never became ready, reapAfter after it started. */
    public static final String NEVER_READY = "never-ready";

    public MachineCommand {
        instanceIds = instanceIds == null ? List.of() : List.copyOf(instanceIds);
    }

    /**
     * Its key on {@code machine-commands} and {@code machine-actions}: the meeting's id, or for an instance without a
     * meeting its id. An audit record lands in the partition of the same number as its command.
     */
    @JsonIgnore
    public String key() {
        return keyOf(meetingId, instanceIds, commandId);
    }

    /** The key rule, shared with {@link MachineAction#key()}: the audit must land beside its command. */
    static String keyOf(String meetingId, List<String> instanceIds, String commandId) {
        return meetingId != null ? meetingId : instanceIds.isEmpty() ? commandId : instanceIds.get(0);
    }

    /** Whether this terminates a leftover (the safety net), rather than a meeting's end. */
    @JsonIgnore
    public boolean isReap() {
        return action == Action.TERMINATE && (NO_MEETING.equals(reason) || MEETING_OVER.equals(reason)
                || NEVER_READY.equals(reason));
    }

    public enum Action {
        @JsonProperty("launch") LAUNCH,
        @JsonProperty("terminate") TERMINATE
    }

    public static MachineCommand launch(String meetingId, String role, int attempt, String clientToken,
                                        LaunchSpec spec, String causeId, Instant time) {
        return new MachineCommand(SCHEMA_VERSION, clientToken, Action.LAUNCH, meetingId, role, attempt, clientToken,
                spec, List.of(), SCHEDULED, causeId, time);
    }

    /**
     * @param commandId stable for the decision: the same instances terminated for the same reason and attempt
     */
    public static MachineCommand terminate(String commandId, String meetingId, List<String> instanceIds,
                                           String reason, String causeId, Instant time) {
        return new MachineCommand(SCHEMA_VERSION, commandId, Action.TERMINATE, meetingId, null, 0, null, null,
                instanceIds, reason, causeId, time);
    }
}
