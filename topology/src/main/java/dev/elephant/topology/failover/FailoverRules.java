package dev.elephant.topology.failover;

import dev.elephant.events.FailoverCheck;
import dev.elephant.events.FailoverName;
import java.time.Instant;
import java.util.Objects;

/**
 * Where a failover name points, as a pure function of its declaration and its checks' results — so a replay of
 * {@code failover-names} and {@code failover-checks} makes the same decisions as the first run.
 *
 * <ul>
 *   <li>A target is unhealthy after {@code failures} failed checks in a row, healthy again after {@code passes}
 *       passes in a row; before that it is unknown, which counts as healthy: a new name points at its primary.</li>
 *   <li>The name points at the primary while it is usable (not unhealthy, with an address), else at the secondary
 *       while that is usable.</li>
 *   <li>When neither is usable it stays at the primary's address (or where it was, when the primary has none):
 *       never an empty answer. The condition is kept ({@code bothUnhealthy}) for metrics and pages.</li>
 *   <li>A result is taken only for the declaration it checked, and only if it is not older than the target's
 *       last: a declaration that changed a target or the check starts that target afresh, one that changed
 *       neither keeps what its checks said.</li>
 * </ul>
 */
final class FailoverRules {

    private FailoverRules() {}

    static FailoverState declared(FailoverState current, FailoverName d) {
        if (current != null && current.declaration().declaresSameAs(d)) {
            // The same declaration again (a restart writing the run config's names): only its id moves on, which
            // the checker's results will carry.
            return new FailoverState(d, current.primary(), current.secondary(), current.current(), current.content(),
                    current.bothUnhealthy(), current.causeId(), current.since());
        }
        TargetHealth primary = kept(current, d, FailoverCheck.PRIMARY);
        TargetHealth secondary = kept(current, d, FailoverCheck.SECONDARY);
        FailoverState s = current == null
                ? new FailoverState(d, primary, secondary, FailoverCheck.PRIMARY, null, false, d.declarationId(),
                        d.time())
                : new FailoverState(d, primary, secondary, current.current(), current.content(),
                        current.bothUnhealthy(), current.causeId(), current.since());
        return decide(s, d.declarationId(), d.time());
    }

    private static TargetHealth kept(FailoverState current, FailoverName d, String role) {
        FailoverName.Target target = d.target(role);
        if (current != null && current.declaration().target(role).equals(target)
                && current.declaration().check().equals(d.check())) {
            return current.health(role);
        }
        return TargetHealth.unchecked(target.address());
    }

    /** The state after {@code c}, or null when the result is not taken (another declaration's, or out of order). */
    static FailoverState checked(FailoverState current, FailoverCheck c) {
        if (current == null || c.time() == null || !current.declaration().declarationId().equals(c.declarationId())
                || !(FailoverCheck.PRIMARY.equals(c.target()) || FailoverCheck.SECONDARY.equals(c.target()))) {
            return null;
        }
        FailoverName d = current.declaration();
        FailoverName.Target target = d.target(c.target());
        if (target.isInstance() && !target.instanceId().equals(c.instanceId())) {
            return null;
        }
        TargetHealth h = current.health(c.target());
        if (h.lastTime() != null && c.time().isBefore(h.lastTime())) {
            return null;
        }
        TargetHealth next = h.after(c, d.failures(), d.passes(), target.isInstance() ? null : target.address());
        boolean primary = FailoverCheck.PRIMARY.equals(c.target());
        FailoverState s = new FailoverState(d, primary ? next : current.primary(), primary ? current.secondary() : next,
                current.current(), current.content(), current.bothUnhealthy(), current.causeId(), current.since());
        return decide(s, c.checkId(), c.time());
    }

    /** Points the name as the rules say; a move names {@code cause} and its time. */
    static FailoverState decide(FailoverState s, String cause, Instant at) {
        String target;
        String content;
        boolean neither = false;
        if (s.primary().usable()) {
            target = FailoverCheck.PRIMARY;
            content = s.primary().address();
        } else if (s.secondary().usable()) {
            target = FailoverCheck.SECONDARY;
            content = s.secondary().address();
        } else {
            neither = true;
            if (s.primary().address() != null) {
                target = FailoverCheck.PRIMARY;
                content = s.primary().address();
            } else {
                target = s.current();
                content = s.content();
            }
        }
        boolean moved = !Objects.equals(content, s.content()) || !Objects.equals(target, s.current());
        return new FailoverState(s.declaration(), s.primary(), s.secondary(), target, content, neither,
                moved ? cause : s.causeId(), moved ? at : s.since());
    }
}
