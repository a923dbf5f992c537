package dev.elephant.topology.failover;

import dev.elephant.events.FailoverCheck;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the checks have said of one target: its health, how many results in a row agreed, the address the last
 * check found (an instance target's moves with the instance) and the last few results, newest last.
 *
 * @param inARow how many of the latest results in a row had {@code lastOk}
 */
public record TargetHealth(Health health, int inARow, boolean lastOk, String address, Instant lastTime,
                           List<FailoverCheck> recent) {

    /** How many results each target keeps for {@code GET /v1/failover/{name}}. */
    public static final int RECENT = 5;

    /** Unknown until enough results in a row said otherwise; unknown counts as healthy (a name starts at its primary). */
    public enum Health { UNKNOWN, HEALTHY, UNHEALTHY }

    public TargetHealth {
        recent = recent == null ? List.of() : List.copyOf(recent);
    }

    /** A target no check has spoken of yet; a fixed target's address is known from its declaration. */
    static TargetHealth unchecked(String address) {
        return new TargetHealth(Health.UNKNOWN, 0, false, address, null, List.of());
    }

    /**
     * With {@code check} applied: {@code failures} failures in a row make the target unhealthy, {@code passes} passes
     * in a row healthy again; fewer change nothing.
     *
     * @param fixedAddress the declaration's address for a fixed target, null for an instance target
     */
    TargetHealth after(FailoverCheck check, int failures, int passes, String fixedAddress) {
        int run = check.ok() == lastOk && lastTime != null ? inARow + 1 : 1;
        Health next = health;
        if (check.ok() && run >= passes) {
            next = Health.HEALTHY;
        } else if (!check.ok() && run >= failures) {
            next = Health.UNHEALTHY;
        }
        List<FailoverCheck> last = new ArrayList<>(recent);
        last.add(check);
        if (last.size() > RECENT) {
            last = last.subList(last.size() - RECENT, last.size());
        }
        return new TargetHealth(next, run, check.ok(), fixedAddress != null ? fixedAddress : check.address(),
                check.time(), last);
    }

    /** Whether the name may point here: not unhealthy, and with an address. */
    boolean usable() {
        return health != Health.UNHEALTHY && address != null;
    }
}
