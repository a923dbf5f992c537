package dev.elephant.sinks.machines;

import java.util.function.LongSupplier;

/**
 * EC2's RunInstances resource bucket, kept on Elephant's side: a bucket of {@code capacity} instances refilled at
 * {@code refillPerSecond}, each launch taking one. Launches wait for a token here instead of being throttled by EC2
 * ("Request throttling for the Amazon EC2 API", resource token limits: 1,000 instances, then 2 per second, unless the
 * account had them raised), so a class start past the bucket costs one call per seat, not a throttled call and a
 * retry for most of them. EC2's own bucket is shared by every user of the account: what it still throttles is
 * waited out by the executor as before.
 */
final class LaunchBudget {

    /** How the budget waits; tests pass one that advances a fake clock. */
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final double capacity;
    private final double refillPerNano;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private double tokens;
    private long refilledAt;

    LaunchBudget(int capacity, double refillPerSecond, LongSupplier nanoClock, Sleeper sleeper) {
        if (capacity < 1 || refillPerSecond <= 0) {
            throw new IllegalArgumentException("the launch budget needs a capacity of at least 1 and a positive refill");
        }
        this.capacity = capacity;
        this.refillPerNano = refillPerSecond / 1e9;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
        this.tokens = capacity;
        this.refilledAt = nanoClock.getAsLong();
    }

    static LaunchBudget of(int capacity, double refillPerSecond) {
        return new LaunchBudget(capacity, refillPerSecond, System::nanoTime,
                n -> Thread.sleep(n / 1_000_000, (int) (n % 1_000_000)));
    }

    /** Blocks until a launch fits, then takes its token. */
    synchronized void acquire() throws InterruptedException {
        while (true) {
            long now = nanoClock.getAsLong();
            tokens = Math.min(capacity, tokens + (now - refilledAt) * refillPerNano);
            refilledAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return;
            }
            // Holding the lock while waiting keeps launches in the order they asked: the next token is the first's.
            sleeper.sleep((long) Math.ceil((1 - tokens) / refillPerNano));
        }
    }

    /** A token taken for a launch that did not happen (EC2 refused it before launching anything). */
    synchronized void giveBack() {
        tokens = Math.min(capacity, tokens + 1);
    }
}
