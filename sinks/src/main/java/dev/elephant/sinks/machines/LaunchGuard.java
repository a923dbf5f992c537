package dev.elephant.sinks.machines;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The cost guard on launches: at most {@code maxRunning} instances launched by this deployment (tagged {@code
 * elephant:launched-by=<ownerId>}) alive at once. The count comes from EC2 (a paged {@code DescribeInstances} by the
 * tag) at most once per {@code refresh}, and moves with every launch in between, so a burst of launches costs one
 * listing, not one per launch; terminations show at the next listing.
 */
final class LaunchGuard {

    static final String LAUNCHED_BY_TAG = "elephant:launched-by";

    private final Ec2Machines ec2;
    private final String ownerId;
    private final int maxRunning;
    private final Duration refresh;
    private final Clock clock;
    private Integer live;
    private Instant counted;

    LaunchGuard(Ec2Machines ec2, String ownerId, int maxRunning, Duration refresh, Clock clock) {
        this.ec2 = ec2;
        this.ownerId = ownerId;
        this.maxRunning = maxRunning;
        this.refresh = refresh;
        this.clock = clock;
    }

    /**
     * Takes a place for one launch, or says no.
     *
     * @throws Ec2Failure when EC2 cannot be asked and no earlier count is known
     */
    synchronized boolean admit() throws Ec2Failure {
        Instant now = clock.instant();
        if (live == null || counted.plus(refresh).isBefore(now)) {
            try {
                live = ec2.live(LAUNCHED_BY_TAG, ownerId);
                counted = now;
            } catch (Ec2Failure e) {
                if (live == null) {
                    throw e;
                }
                // Counted before and not long ago: better than stopping every launch while EC2 is throttled.
            }
        }
        if (live >= maxRunning) {
            return false;
        }
        live++;
        return true;
    }

    /** A place taken for a launch that did not happen. */
    synchronized void release() {
        if (live != null && live > 0) {
            live--;
        }
    }

    int maxRunning() {
        return maxRunning;
    }
}
