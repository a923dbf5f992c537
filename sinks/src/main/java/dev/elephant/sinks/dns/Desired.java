package dev.elephant.sinks.dns;

import dev.elephant.events.DesiredRecord;

/**
 * The desired state of one name: a record, or none ({@code record == null}), with the event that
 * caused it (for a tombstone it comes from the record's header).
 */
public record Desired(String name, DesiredRecord record, String causeId) {

    public String instanceId() {
        if (record != null) {
            return record.instanceId();
        }
        int dot = name.indexOf('.');
        return dot < 0 ? null : name.substring(0, dot);
    }
}
