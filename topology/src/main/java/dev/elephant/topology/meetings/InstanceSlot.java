package dev.elephant.topology.meetings;

import dev.elephant.topology.instances.RecordStatus;

/** What a meeting needs to know of one of its instances. */
public record InstanceSlot(String instanceId, String role, String state, RecordStatus recordStatus, String recordName,
                           String link, String causeId) {

    boolean isReady() {
        return "running".equals(state) && recordStatus == RecordStatus.CONFIRMED;
    }
}
