package dev.elephant.events;

import java.time.Instant;

/**
 * One entry of the audit trail on {@code dns-mutations}, keyed by record FQDN. Every provider write
 * is an {@link Phase#INTENT} before the call and an outcome ({@link Phase#APPLIED}, {@link Phase#FAILED})
 * after it, sharing a {@code mutationId}; {@link Phase#NOOP} says the provider already matched.
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
        INTENT, APPLIED, FAILED, NOOP;

        public boolean isOutcome() {
            return this != INTENT;
        }
    }

    public enum Action {
        CREATE, UPDATE, DELETE, NONE
    }
}
