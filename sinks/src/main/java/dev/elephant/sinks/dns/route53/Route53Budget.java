package dev.elephant.sinks.dns.route53;

import dev.elephant.sinks.dns.ratelimit.RequestBudget;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Spends one request of Elephant's Route 53 budget before each HTTP request the SDK sends (every page of a
 * listing and every {@code GetChange} too), so Elephant stays below the account's rate instead of finding it
 * with {@code Throttling}. A throttled answer (another user of the account spending it) comes back to the sink
 * as retryable after a second.
 */
public final class Route53Budget implements ExecutionInterceptor {

    private final RequestBudget budget;

    public Route53Budget(RequestBudget budget) {
        this.budget = budget;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        try {
            budget.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SdkClientException.create("interrupted while waiting for the Route 53 request budget", e);
        }
    }
}
