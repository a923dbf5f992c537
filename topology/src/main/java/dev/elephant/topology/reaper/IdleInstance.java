package dev.elephant.topology.reaper;

import java.time.Instant;

/**
 * A running EC2 instance of the project that belongs to no meeting: a row of the {@code idle-instances} table, which
 * the safety net reaps from.
 *
 * @param since   when it started running (event time)
 * @param keep    tagged never to be reaped
 * @param askedAt when its termination was last asked for, null before
 */
public record IdleInstance(String instanceId, Instant since, boolean keep, Instant askedAt) {

    IdleInstance asked(Instant at) {
        return new IdleInstance(instanceId, since, keep, at);
    }
}
