package dev.elephant.standins.http;

import java.util.function.LongSupplier;

/**
 * AWS's throttling shape: a bucket of {@code capacity} tokens, refilled at {@code refillPerSecond} up to the
 * capacity; each request takes one (or as many as it costs), and a request that finds too few is throttled.
 * Sources: "Request throttling for the Amazon EC2 API" and "Throttling for Amazon Route 53 API requests"
 * (both describe their limits as token buckets: a maximum capacity that is the burst, a refill rate that is
 * the sustained rate). One bucket is shared by every client of the stand-in, as AWS's is per account.
 */
public final class TokenBucket {

    private final double capacity;
    private final double refillPerNano;
    private final LongSupplier nanoClock;
    private double tokens;
    private long refilledAt;

    public TokenBucket(double capacity, double refillPerSecond, LongSupplier nanoClock) {
        if (capacity < 1 || refillPerSecond <= 0) {
            throw new IllegalArgumentException("a token bucket needs a capacity of at least 1 and a positive refill");
        }
        this.capacity = capacity;
        this.refillPerNano = refillPerSecond / 1e9;
        this.nanoClock = nanoClock;
        this.tokens = capacity;
        this.refilledAt = nanoClock.getAsLong();
    }

    public static TokenBucket of(double capacity, double refillPerSecond) {
        return new TokenBucket(capacity, refillPerSecond, System::nanoTime);
    }

    /** Takes {@code cost} tokens if the bucket holds them: false means throttled, and nothing was taken. */
    public synchronized boolean tryTake(double cost) {
        long now = nanoClock.getAsLong();
        tokens = Math.min(capacity, tokens + (now - refilledAt) * refillPerNano);
        refilledAt = now;
        if (tokens < cost) {
            return false;
        }
        tokens -= cost;
        return true;
    }
}
