package dev.elephant.sinks.dns.ratelimit;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Spends one unit of a {@link RequestBudget} on every HTTP request, pages of a listing included, and
 * pauses the budget when the provider answers 429 with {@code Retry-After} or its {@code Ratelimit}
 * header says the token's other users need what is left of the window.
 */
public final class BudgetInterceptor implements Interceptor {

    private final RequestBudget budget;

    public BudgetInterceptor(RequestBudget budget) {
        this.budget = budget;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        try {
            budget.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the rate limit");
        }
        Response response = chain.proceed(chain.request());
        budget.observe(RateLimitHeaders.parse(response.header("Ratelimit"), response.header("Ratelimit-Policy")));
        if (response.code() == 429) {
            budget.pause(retryAfter(response.header("Retry-After")));
        }
        return response;
    }

    private static Duration retryAfter(String header) {
        try {
            return header == null ? Duration.ofSeconds(60) : Duration.ofSeconds(Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(60);
        }
    }
}
