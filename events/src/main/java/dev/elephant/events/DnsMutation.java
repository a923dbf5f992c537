package dev.elephant.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * One entry of the audit trail on {@code dns-mutations}, keyed by record FQDN. Every provider write
 * is an {@link Phase#INTENT} before the call and an outcome ({@link Phase#APPLIED}, {@link Phase#FAILED})
 * after it, sharing a {@code mutationId}; {@link Phase#NOOP} says the provider already matched, and
 * {@link Phase#DRIFT_REPAIRED} is the outcome of a write that repaired a difference found by looking
 * at the provider (a record deleted or changed by hand, one leaked, one lost with an event).
 * {@link Phase#DRY_RUN} marks a write a dry run would have made.
 */
public record DnsMutation(
        int schemaVersion,
        String mutationId,
        Phase phase,
        Action action,
        String name,
        String type,
        String content,
        String previousContent,
        String providerRecordId,
        String instanceId,
        String causeId,
        String owner,
        String error,
        Instant time) {

    public static final int SCHEMA_VERSION = 1;

    /**
     * The intent of a write, before it is sent: what it will change and what caused it.
     *
     * @param previousContent what the record held before, for updates and deletes
     * @param providerRecordId the provider's id of the record changed, for updates and deletes
     */
    public static DnsMutation intent(String mutationId, Phase phase, Action action, String name, String type,
                                     String content, String previousContent, String providerRecordId,
                                     String instanceId, String causeId, String owner, Instant time) {
        if (phase != Phase.INTENT && phase != Phase.DRY_RUN) {
            throw new IllegalArgumentException("an intent's phase is intent or dry-run, not " + phase);
        }
        return new DnsMutation(SCHEMA_VERSION, mutationId, phase, action, name, type, content, previousContent,
                providerRecordId, instanceId, causeId, owner, null, time);
    }

    /** This intent's outcome: the same write under the same mutation id, as it turned out. */
    public DnsMutation outcome(Phase outcome, String recordId, String why, Instant at) {
        if (!outcome.isOutcome()) {
            throw new IllegalArgumentException(outcome + " is not an outcome");
        }
        return new DnsMutation(schemaVersion, mutationId, outcome, action, name, type, content, previousContent,
                recordId != null ? recordId : providerRecordId, instanceId, causeId, owner, why, at);
    }

    /** The same record in another phase: a write that turns out applied by a repair is {@code drift-repaired}. */
    public DnsMutation withPhase(Phase other) {
        return new DnsMutation(schemaVersion, mutationId, other, action, name, type, content, previousContent,
                providerRecordId, instanceId, causeId, owner, error, time);
    }

    /**
     * A decision that needed no write: {@code noop} when the provider already matched (a deletion when the
     * record must not exist), or {@code failed} with the reason when Elephant refused to touch the name.
     */
    public static DnsMutation withoutWrite(String mutationId, Phase phase, boolean deletion, String name, String type,
                                           String content, String instanceId, String causeId, String owner,
                                           String why, Instant time) {
        return new DnsMutation(SCHEMA_VERSION, mutationId, phase, deletion ? Action.DELETE : Action.NONE, name, type,
                content, null, null, instanceId, causeId, owner, why, time);
    }

    public enum Phase {
        @JsonProperty("intent") INTENT,
        @JsonProperty("applied") APPLIED,
        @JsonProperty("failed") FAILED,
        @JsonProperty("noop") NOOP,
        @JsonProperty("drift-repaired") DRIFT_REPAIRED,
        /** A write a dry run planned and did not send: no outcome follows it. */
        @JsonProperty("dry-run") DRY_RUN;

        public boolean isOutcome() {
            return this != INTENT && this != DRY_RUN;
        }
    }

    public enum Action {
        @JsonProperty("create") CREATE,
        @JsonProperty("update") UPDATE,
        @JsonProperty("delete") DELETE,
        @JsonProperty("none") NONE
    }
}
