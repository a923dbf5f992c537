package dev.elephant.standins.http;

import com.sun.net.httpserver.HttpExchange;
import java.util.Random;

/**
 * Random trouble for a stand-in (Cloudflare, Route 53), drawn per request from a seeded generator so a run can
 * be repeated: server errors (500/502/503), 429 with a short {@code Retry-After}, timeouts (no answer
 * for longer than a client waits) and dropped connections — half of those after the write was
 * applied, which is what makes an outcome ambiguous for the caller.
 */
public final class FaultPlan {

    public enum Fault { NONE, SERVER_ERROR, RATE_LIMITED, TIMEOUT, RESET, APPLIED_THEN_RESET }

    private final Random random;
    private final double serverErrors;
    private final double rateLimited;
    private final double timeouts;
    private final double resets;
    private final long timeoutMillis;

    /** Fractions of requests (0..1) per kind of fault; {@code timeoutMillis}: how long a timeout holds the request. */
    public FaultPlan(long seed, double serverErrors, double rateLimited, double timeouts, double resets,
                     long timeoutMillis) {
        if (serverErrors + rateLimited + timeouts + resets > 1) {
            throw new IllegalArgumentException("fault fractions add up to more than 1");
        }
        this.random = new Random(seed);
        this.serverErrors = serverErrors;
        this.rateLimited = rateLimited;
        this.timeouts = timeouts;
        this.resets = resets;
        this.timeoutMillis = timeoutMillis;
    }

    public synchronized Fault next() {
        double r = random.nextDouble();
        if ((r -= serverErrors) < 0) {
            return Fault.SERVER_ERROR;
        }
        if ((r -= rateLimited) < 0) {
            return Fault.RATE_LIMITED;
        }
        if ((r -= timeouts) < 0) {
            return Fault.TIMEOUT;
        }
        if ((r -= resets) < 0) {
            return random.nextBoolean() ? Fault.RESET : Fault.APPLIED_THEN_RESET;
        }
        return Fault.NONE;
    }

    public synchronized int serverErrorStatus() {
        return new int[] {500, 502, 503}[random.nextInt(3)];
    }

    /** A timeout: holds the request longer than a client waits, then drops the connection without an answer. */
    public void holdThenDrop(HttpExchange exchange) {
        try {
            Thread.sleep(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exchange.close();
    }
}
