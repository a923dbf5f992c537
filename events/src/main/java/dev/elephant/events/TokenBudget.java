package dev.elephant.events;

import java.util.function.LongSupplier;

/**
 * One of EC2's token buckets, kept on Elephant's side: {@code capacity} tokens refilled at {@code refillPerSecond},
 * each call taking one. A caller that takes its token here before calling EC2 is not throttled by EC2 for it ("Request
 * throttling for the Amazon EC2 API": the request buckets, such as {@code DescribeInstances}' 100 at 20 per second,
 * and the resource buckets, such as {@code RunInstances}' 1,000 instances at 2 per second). The account's own bucket
 * is shared with every other user of the account; when EC2 throttles anyway, {@link #spend()} says the account's
 * bucket is emptier than this one thought.
 */
public final class TokenBudget {

    /** How the budget waits; tests pass one that advances a fake clock. */
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final double capacity;
    private final double refillPerNano;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private double tokens;
    private long refilledAt;

    public TokenBudget(double capacity, double refillPerSecond, LongSupplier nanoClock, Sleeper sleeper) {
        if (capacity < 1 || refillPerSecond <= 0) {
            throw new IllegalArgumentException("a token budget needs a capacity of at least 1 and a positive refill");
        }
        this.capacity = capacity;
        this.refillPerNano = refillPerSecond / 1e9;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
        this.tokens = capacity;
        this.refilledAt = nanoClock.getAsLong();
    }

    public static TokenBudget of(double capacity, double refillPerSecond) {
        return new TokenBudget(capacity, refillPerSecond, System::nanoTime,
                n -> Thread.sleep(n / 1_000_000, (int) (n % 1_000_000)));
    }

    /** Blocks until a token is there, then takes it. */
    public synchronized void acquire() throws InterruptedException {
        while (true) {
            long wait = takeOrWait();
            if (wait == 0) {
                return;
            }
            // Holding the lock while waiting keeps callers in the order they asked: the next token is the first's.
            sleeper.sleep(wait);
        }
    }

    /**
     * Takes a token when one is there.
     *
     * @return 0 when a token was taken; otherwise the nanoseconds until the next one (nothing taken)
     */
    public synchronized long takeOrWait() {
        refill();
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / refillPerNano));
    }

    /** Nanoseconds until a token is there (0: one is there now); nothing taken. */
    public synchronized long nanosUntilAvailable() {
        refill();
        return tokens >= 1 ? 0 : Math.max(1, (long) Math.ceil((1 - tokens) / refillPerNano));
    }

    /** A token taken for a call that did not happen (refused before it did anything). */
    public synchronized void giveBack() {
        tokens = Math.min(capacity, tokens + 1);
    }

    /** EC2 throttled a call anyway: the account's bucket is empty, so this one is too, and refills from now. */
    public synchronized void spend() {
        refill();
        tokens = Math.min(tokens, 0);
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(capacity, tokens + (now - refilledAt) * refillPerNano);
        refilledAt = now;
    }
}
