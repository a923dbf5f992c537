package dev.elephant.sinks;

import java.time.Duration;

/**
 * How long a consumer loop waits after a failure: from {@code first}, doubling at every failure in a row up
 * to {@code max}, back to {@code first} after a success. The one retry policy of Elephant's consumer loops.
 */
public record Backoff(Duration first, Duration max) {

    public Backoff {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff must start above zero and not exceed its maximum");
        }
    }

    /** The wait after {@code current}: twice as long, at most {@link #max}. */
    public Duration after(Duration current) {
        Duration twice = current.multipliedBy(2);
        return twice.compareTo(max) > 0 ? max : twice;
    }
}
