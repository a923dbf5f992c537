package dev.elephant.sinks.dns.ratelimit;

import dev.elephant.events.TokenBudget;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * At most {@code limit} requests in any window of {@code window}: the shape of Cloudflare's limit
 * (1,200 requests per 5 minutes per token), enforced on our side so the provider never has to block
 * us. The configured limit is Elephant's share, below the provider's, leaving room for other users
 * of the same token. A 429 from the provider pauses every request until its {@code Retry-After}.
 *
 * <p>Elephant's own count cannot see the token's other users. The provider's {@code Ratelimit}
 * header can: when what remains of the token's window is no more than the part left to others
 * (quota − Elephant's share), the budget pauses until the window resets, so Elephant never spends
 * their part and never runs the token into the provider's block.
 *
 * <p>A long window can also be spread ({@link #spread}): a burst of requests at once, the rest of the
 * limit paced evenly over the window ({@link TokenBudget}). Spent as fast as the sink can, a 5-minute
 * window of 1,000 requests is gone in a couple of minutes under a steady flow, and every change waits
 * for the rest of the window; paced, the sink waits a few hundred milliseconds between requests instead
 * and each request carries what gathered meanwhile.
 */
public final class RequestBudget {

    private final int limit;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private final Consumer<Duration> onWait;
    private final Deque<Long> granted = new ArrayDeque<>();
    private long pausedUntil = Long.MIN_VALUE;
    private long rateLimited;
    private long spent;
    private final TokenBudget pace;

    /** How the budget waits; tests pass one that advances a fake clock. */
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    public RequestBudget(int limit, Duration window, LongSupplier nanoClock, Sleeper sleeper, Consumer<Duration> onWait) {
        this(limit, window, 0, nanoClock, sleeper, onWait);
    }

    /** @param burst requests allowed at once before the rest of the window's limit is paced (0: not paced) */
    public RequestBudget(int limit, Duration window, int burst, LongSupplier nanoClock, Sleeper sleeper,
                         Consumer<Duration> onWait) {
        if (limit < 1) {
            throw new IllegalArgumentException("rate limit must allow at least 1 request per window");
        }
        if (burst < 0 || burst >= limit) {
            throw new IllegalArgumentException("the burst must be below the window's limit");
        }
        // burst at once, then (limit − burst) over the window: in any window at most the limit.
        this.pace = burst == 0 ? null : new TokenBudget(burst, (limit - burst) / (window.toNanos() / 1e9), nanoClock,
                n -> sleeper.sleep(n));
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
        this.onWait = onWait;
    }

    public static RequestBudget perWindow(int limit, Duration window, Consumer<Duration> onWait) {
        return new RequestBudget(limit, window, System::nanoTime, n -> Thread.sleep(n / 1_000_000, (int) (n % 1_000_000)),
                onWait);
    }

    /** {@code burst} requests at once, the rest of {@code limit} paced evenly over {@code window}. */
    public static RequestBudget spread(int limit, Duration window, int burst, Consumer<Duration> onWait) {
        return new RequestBudget(limit, window, burst, System::nanoTime,
                n -> Thread.sleep(n / 1_000_000, (int) (n % 1_000_000)), onWait);
    }

    /** Blocks until one more request fits in the budget, then counts it. */
    public synchronized void acquire() throws InterruptedException {
        long waited = 0;
        while (true) {
            long now = nanoClock.getAsLong();
            long wait = waitAt(now, true);
            if (wait <= 0) {
                granted.addLast(now);
                spent++;
                if (waited > 0) {
                    onWait.accept(Duration.ofNanos(waited));
                }
                return;
            }
            sleeper.sleep(wait);
            waited += wait;
        }
    }

    /**
     * How long until the budget would grant a request (zero: now), nothing granted: a caller that gathers work into
     * requests waits this long first, so what arrives meanwhile joins the request instead of waiting behind it.
     */
    public synchronized Duration untilNextGrant() {
        return Duration.ofNanos(Math.max(0, waitAt(nanoClock.getAsLong(), false)));
    }

    /**
     * Nanoseconds a request made at {@code now} waits: a pause, a full window, or the pace.
     *
     * @param take take the pace's token when one is there (the request is granted)
     */
    private long waitAt(long now, boolean take) {
        forgetOutside(now);
        if (now < pausedUntil) {
            return pausedUntil - now;
        }
        if (granted.size() >= limit) {
            return granted.peekFirst() + windowNanos - now;
        }
        if (pace == null) {
            return 0;
        }
        return take ? pace.takeOrWait() : pace.nanosUntilAvailable();
    }

    /** The provider said to wait: nothing is sent before {@code retryAfter} has passed. */
    public synchronized void pause(Duration retryAfter) {
        rateLimited++;
        pausedUntil = Math.max(pausedUntil, nanoClock.getAsLong() + retryAfter.toNanos());
    }

    /** What the provider says remains of the token's limits, after each answer. */
    public synchronized void observe(List<RateLimitHeaders.Limit> limits) {
        for (RateLimitHeaders.Limit l : limits) {
            boolean sameShape = l.windowSeconds().isPresent() && l.windowSeconds().getAsLong() * 1_000_000_000L == windowNanos
                    && l.quota().isPresent() && l.quota().getAsLong() > limit;
            long reserved = sameShape ? l.quota().getAsLong() - limit : 0;
            if (l.remaining() <= reserved) {
                pausedUntil = Math.max(pausedUntil, nanoClock.getAsLong() + l.reset().toNanos());
            }
        }
    }

    public int limit() {
        return limit;
    }

    /** Requests granted in the current window: how much of the budget is spent now. */
    public synchronized int used() {
        forgetOutside(nanoClock.getAsLong());
        return granted.size();
    }

    /** Forgets the requests granted before the window that ends {@code now}. */
    private void forgetOutside(long now) {
        while (!granted.isEmpty() && granted.peekFirst() <= now - windowNanos) {
            granted.pollFirst();
        }
    }

    public Duration window() {
        return Duration.ofNanos(windowNanos);
    }

    /** Requests sent since start. */
    public synchronized long spent() {
        return spent;
    }

    /** How many times the provider said to wait (429, throttling) since start. */
    public synchronized long rateLimited() {
        return rateLimited;
    }

    /** Gauges and a counter of this budget on {@code registry}, tagged with the provider's name. */
    public void bindMetrics(io.micrometer.core.instrument.MeterRegistry registry, String provider) {
        io.micrometer.core.instrument.Gauge.builder("elephant.provider.budget.limit", this, RequestBudget::limit)
                .description("requests Elephant allows itself per window").tag("provider", provider).register(registry);
        io.micrometer.core.instrument.Gauge.builder("elephant.provider.budget.used", this, RequestBudget::used)
                .description("requests spent in the current window").tag("provider", provider).register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("elephant.provider.requests", this, RequestBudget::spent)
                .description("requests sent to the DNS provider (every page and poll)").tag("provider", provider)
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("elephant.provider.rate.limited", this,
                        RequestBudget::rateLimited)
                .description("answers telling Elephant to wait (Cloudflare 429, Route 53 Throttling)")
                .tag("provider", provider).register(registry);
    }
}
