package dev.elephant.topology.meetings;

import dev.elephant.topology.common.RecordStatus;
import java.time.Instant;

/**
 * What a meeting needs to know of one of its instances.
 *
 * @param state  the instance's state as its source names it (EC2 {@code running}, ECS {@code RUNNING}): shown, never
 *               interpreted here
 * @param ended  the instance will never run again (a terminated EC2 instance, a stopped ECS task): it leaves its
 *               meeting
 * @param since  event time of the instance's current state: how long it has been as it is
 * @param keep   tagged never to be reaped ({@code elephant:keep=true})
 */
public record InstanceSlot(String instanceId, String role, String state, RecordStatus recordStatus, String recordName,
                           String link, String causeId, boolean ended, Instant since, boolean keep) {

    /**
     * Ready means up with its record confirmed. A record is only wanted while the instance is up with an
     * address (EC2 {@code running}; an ECS task whose last and desired status are RUNNING), and only a
     * confirmed outcome for that content makes it {@link RecordStatus#CONFIRMED}: the one fact the instance
     * state already holds, whatever its source calls its states.
     */
    boolean isReady() {
        return !ended && recordStatus == RecordStatus.CONFIRMED;
    }
}
