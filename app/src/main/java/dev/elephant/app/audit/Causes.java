package dev.elephant.app.audit;

import dev.elephant.events.CertificateEvent;
import dev.elephant.events.FailoverCheck;
import dev.elephant.events.InstanceEvent;

/**
 * A change's cause in words, from the event its {@code causeId} names: what {@code elephant audit} and the operations
 * page's timeline show beside the id.
 */
public final class Causes {

    private Causes() {}

    /** The description of whichever of them is known (null when none is: the cause is outside what was read). */
    public static String describe(InstanceEvent e, CertificateEvent attempt, FailoverCheck check) {
        if (check != null) {
            return describe(check);
        }
        if (attempt != null) {
            return "certificate attempt (" + attempt.reason() + ") for " + String.join(", ", attempt.names());
        }
        return e == null ? null : describe(e);
    }

    /** {@code EC2 running at 2026-…}, {@code ECS task RUNNING (desired RUNNING, version 3) at …}. */
    public static String describe(InstanceEvent e) {
        String what = e.isEcs() ? "ECS task " + e.state() + " (desired " + e.desiredStatus() + ", version " + e.version()
                + ")" : "EC2 " + e.state();
        return what + " at " + e.time() + (e.sweep() ? " (inventory sweep)" : "");
    }

    /** {@code failover check of the primary 10.0.1.5 failed (connection refused)}. */
    public static String describe(FailoverCheck check) {
        return "failover check of the " + check.target() + " " + (check.instanceId() == null ? ""
                : check.instanceId() + " ") + (check.address() == null ? "" : check.address() + " ")
                + (check.ok() ? "passed" : "failed") + " (" + check.detail() + ")";
    }
}
