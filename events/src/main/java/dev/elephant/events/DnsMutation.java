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
