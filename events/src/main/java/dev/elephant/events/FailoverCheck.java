package dev.elephant.events;

import java.time.Instant;

/**
 * One check of one target of a failover name, on {@code failover-checks} keyed by the name: written by the instance
 * that owns the name's checks, read by the topology, which decides from these alone where the name points — so a
 * replay makes the same decisions. For an instance target, the address the check found is recorded with it: the
 * record follows the instance's address as its checks see it.
 *
 * @param checkId       this result's id: a record it made names it as its cause
 * @param declarationId the declaration checked; results of an older declaration are ignored
 * @param target        {@code primary} or {@code secondary}
 * @param address       the address checked; null when an instance target has none (not running)
 * @param ok            whether the target passed
 * @param detail        what was seen: {@code connected in 3 ms}, {@code connection refused}, {@code HTTP 503}, …
 * @param latencyMs     how long the check took
 */
public record FailoverCheck(
        int schemaVersion,
        String checkId,
        String name,
        String declarationId,
        String target,
        String instanceId,
        String address,
        boolean ok,
        String detail,
        long latencyMs,
        Instant time) {

    public static final int SCHEMA_VERSION = 1;
    public static final String PRIMARY = "primary";
    public static final String SECONDARY = "secondary";
}
