package dev.elephant.sinks.dns.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The budget never lets more than its limit through in any window; time is a fake clock here. */
class RequestBudgetTest {

    private long now;
    private final List<Duration> waits = new ArrayList<>();
    private final RequestBudget budget = new RequestBudget(3, Duration.ofSeconds(10), () -> now,
            nanos -> now += nanos, waits::add);

    @Test
    void neverMoreThanTheLimitInAnyWindow() throws InterruptedException {
        List<Long> grantedAt = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            budget.acquire();
            grantedAt.add(now);
            now += Duration.ofSeconds(1).toNanos();
        }
        for (int i = 3; i < grantedAt.size(); i++) {
            assertThat(grantedAt.get(i) - grantedAt.get(i - 3))
                    .as("request %d and the third before it", i)
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(10).toNanos());
        }
        assertThat(waits).isNotEmpty();
    }

    @Test
    void withinTheLimitNothingWaits() throws InterruptedException {
        budget.acquire();
        budget.acquire();
        budget.acquire();
        assertThat(now).isZero();
        assertThat(waits).isEmpty();
    }

    @Test
    void aPauseHoldsEveryRequestUntilRetryAfter() throws InterruptedException {
        budget.pause(Duration.ofSeconds(300));
        budget.acquire();
        assertThat(now).isEqualTo(Duration.ofSeconds(300).toNanos());
    }
}
