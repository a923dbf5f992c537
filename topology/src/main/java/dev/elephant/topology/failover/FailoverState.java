package dev.elephant.topology.failover;

import dev.elephant.events.FailoverName;
import java.time.Instant;

/**
 * One failover name in the failover-state table: its declaration, what the checks said of each target, and where
 * the name points.
 *
 * @param current       {@code primary} or {@code secondary}: the target the record points at
 * @param content       the record's address, null until a target has one
 * @param bothUnhealthy both targets failed: the name stays where it was rather than answer nothing
 * @param causeId       the check result (or declaration) that last moved the record
 * @param since         when the record last moved (the cause's time)
 */
public record FailoverState(FailoverName declaration, TargetHealth primary, TargetHealth secondary, String current,
                            String content, boolean bothUnhealthy, String causeId, Instant since) {

    public TargetHealth health(String target) {
        return "primary".equals(target) ? primary : secondary;
    }
}
