package dev.elephant.events;

import java.util.Optional;

/**
 * ECS task statuses (lastStatus and desiredStatus of an "ECS Task State Change"). A task is up only
 * when both are RUNNING; from DEPROVISIONING on it never runs again.
 */
public enum EcsStatus {
    PROVISIONING, PENDING, ACTIVATING, RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING, STOPPED, DELETED;

    public boolean isFinal() {
        return this == DEPROVISIONING || this == STOPPED || this == DELETED;
    }

    public static Optional<EcsStatus> fromWireName(String name) {
        for (EcsStatus s : values()) {
            if (s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
