package dev.elephant.sinks.dns;

import dev.elephant.events.DesiredRecord;

/**
 * The desired state of one name: a record, or none ({@code record == null}), with the event that
 * caused it and that event's time (from the record's headers; a tombstone has nothing else).
 */
public record Desired(String name, DesiredRecord record, String causeId, java.time.Instant eventTime) {

    public Desired(String name, DesiredRecord record, String causeId) {
        this(name, record, causeId, null);
    }

    public String instanceId() {
        if (record != null) {
            return record.instanceId();
        }
        int dot = name.indexOf('.');
        return dot < 0 ? null : name.substring(0, dot);
    }
}
