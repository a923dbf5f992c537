package dev.elephant.topology.common;

import java.time.Duration;
import java.util.Objects;

/**
 * When the topology launches a meeting's machines and when it reaps what is left over: fixed at start, like the
 * rest of its configuration, so that a replay decides the same.
 *
 * @param lead           a meeting's instances are launched this long before it starts ({@code launch.lead})
 * @param reapAfter      an instance of the project that is running with no meeting, or whose meeting is over or never
 *                       became ready, for longer than this is terminated ({@code reap.after}); null: never reaped
 * @param reapMaxPerTick at most this many instances are reaped per tick by each partition's task ({@code
 *                       reap.maxPerRun}), the longest due first; the rest follow at the next ticks
 * @param retryAfter     a termination asked for and not seen happen (the instance still runs) is asked for again after
 *                       this long; a failed launch is tried again after this long, doubling with each attempt up to
 *                       {@link #retryMax}
 * @param keepTag        an instance with this tag set to {@code true} is never reaped ({@code elephant:keep})
 */
public record MachinePolicy(Duration lead, Duration reapAfter, int reapMaxPerTick, Duration retryAfter,
                            Duration retryMax, String keepTag) {

    public static final Duration DEFAULT_LEAD = Duration.ofMinutes(5);
    public static final Duration DEFAULT_REAP_AFTER = Duration.ofMinutes(15);
    public static final int DEFAULT_REAP_MAX_PER_TICK = 20;
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(15);
    public static final Duration DEFAULT_RETRY_MAX = Duration.ofMinutes(5);
    public static final String DEFAULT_KEEP_TAG = "elephant:keep";

    public MachinePolicy {
        positive(lead, "launch.lead");
        if (reapAfter != null) {
            positive(reapAfter, "reap.after");
        }
        if (reapMaxPerTick < 1) {
            throw new IllegalArgumentException("reap.maxPerRun must be at least 1, was " + reapMaxPerTick);
        }
        positive(retryAfter, "the retry interval");
        positive(retryMax, "the longest retry interval");
        Objects.requireNonNull(keepTag, "keepTag");
    }

    public static MachinePolicy defaults() {
        return new MachinePolicy(DEFAULT_LEAD, DEFAULT_REAP_AFTER, DEFAULT_REAP_MAX_PER_TICK, DEFAULT_RETRY_AFTER,
                DEFAULT_RETRY_MAX, DEFAULT_KEEP_TAG);
    }

    public MachinePolicy withLead(Duration lead) {
        return new MachinePolicy(lead, reapAfter, reapMaxPerTick, retryAfter, retryMax, keepTag);
    }

    public MachinePolicy withReapAfter(Duration reapAfter) {
        return new MachinePolicy(lead, reapAfter, reapMaxPerTick, retryAfter, retryMax, keepTag);
    }

    public MachinePolicy withReapMaxPerTick(int max) {
        return new MachinePolicy(lead, reapAfter, max, retryAfter, retryMax, keepTag);
    }

    /** Whether an instance with these tags is tagged never to be reaped. */
    public boolean keeps(java.util.Map<String, String> tags) {
        return "true".equalsIgnoreCase(tags.get(keepTag));
    }

    /** How long after its failure a launch's next attempt is made: doubling from {@link #retryAfter}. */
    public Duration launchRetryAfter(int failedAttempt) {
        Duration wait = retryAfter;
        for (int i = 1; i < failedAttempt && wait.compareTo(retryMax) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(retryMax) > 0 ? retryMax : wait;
    }

    private static void positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
    }
}
