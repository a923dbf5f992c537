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

    @Test
    void whenWhatRemainsOfTheTokensWindowIsOthersPartTheBudgetPausesUntilTheReset() throws InterruptedException {
        // The provider allows 5 per 10 s; Elephant's share is 3, so 2 are left to others.
        budget.observe(RateLimitHeaders.parse("\"default\";r=2;t=7", "\"default\";q=5;w=10"));
        budget.acquire();
        assertThat(now).isEqualTo(Duration.ofSeconds(7).toNanos());
    }

    @Test
    void plentyLeftInTheTokensWindowChangesNothing() throws InterruptedException {
        budget.observe(RateLimitHeaders.parse("\"default\";r=3;t=7", "\"default\";q=5;w=10"));
        budget.acquire();
        assertThat(now).isZero();
    }

    @Test
    void anotherLimitPausesOnlyWhenExhausted() throws InterruptedException {
        budget.observe(RateLimitHeaders.parse("\"burst\";r=1;t=4", "\"burst\";q=100;w=60"));
        budget.acquire();
        assertThat(now).isZero();

        budget.observe(RateLimitHeaders.parse("\"default\";r=40;t=9, \"burst\";r=0;t=4", "\"burst\";q=100;w=60"));
        budget.acquire();
        assertThat(now).isEqualTo(Duration.ofSeconds(4).toNanos());
    }

    @Test
    void headersThatDoNotParseAreIgnored() {
        assertThat(RateLimitHeaders.parse("garbage", null)).isEmpty();
        assertThat(RateLimitHeaders.parse("\"default\";r=x;t=1", "\"default\";q=5;w=10")).isEmpty();
        assertThat(RateLimitHeaders.parse(null, "\"default\";q=5;w=10")).isEmpty();
        assertThat(RateLimitHeaders.parse("default;r=5;t=2", null)).singleElement()
                .satisfies(l -> assertThat(l.quota()).isEmpty());
    }

    @Test
    void itSaysWhatItSpentInTheWindowSinceStartAndHowOftenItWasToldToWait() throws InterruptedException {
        var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        budget.bindMetrics(registry, "cloudflare");
        budget.acquire();
        budget.acquire();
        assertThat(budget.used()).isEqualTo(2);
        now += Duration.ofSeconds(11).toNanos();
        assertThat(budget.used()).as("the window moved past both").isZero();
        budget.pause(Duration.ofSeconds(1));
        budget.acquire();
        assertThat(budget.spent()).isEqualTo(3);
        assertThat(budget.rateLimited()).isEqualTo(1);
        assertThat(registry.get("elephant.provider.budget.used").tag("provider", "cloudflare").gauge().value())
                .isEqualTo(1);
        assertThat(registry.get("elephant.provider.budget.limit").gauge().value()).isEqualTo(3);
        assertThat(registry.get("elephant.provider.requests").functionCounter().count()).isEqualTo(3);
        assertThat(registry.get("elephant.provider.rate.limited").functionCounter().count()).isEqualTo(1);
    }

    @Test
    void aSpreadBudgetAllowsItsBurstThenPacesTheRestEvenlySoTheWindowIsNeverSpentEarly() throws InterruptedException {
        long[] clock = {0};
        RequestBudget spread = new RequestBudget(100, Duration.ofSeconds(100), 20, () -> clock[0],
                nanos -> clock[0] += nanos, w -> { });
        for (int i = 0; i < 20; i++) {
            spread.acquire();
        }
        assertThat(clock[0]).as("the burst at once").isZero();
        spread.acquire();
        // the other 80 over 100 s: one every 1.25 s
        assertThat(clock[0]).isEqualTo(Duration.ofMillis(1250).toNanos());
        for (int i = 0; i < 79; i++) {
            spread.acquire();
        }
        assertThat(clock[0]).as("the whole limit within the window, none of it early")
                .isEqualTo(Duration.ofMillis(100_000).toNanos());
        assertThat(spread.used()).isLessThanOrEqualTo(100);
    }

    @Test
    void untilNextGrantSaysHowLongTheNextRequestWaitsWithoutGrantingOne() throws InterruptedException {
        long[] clock = {0};
        RequestBudget spread = new RequestBudget(100, Duration.ofSeconds(100), 20, () -> clock[0],
                nanos -> clock[0] += nanos, w -> { });
        assertThat(spread.untilNextGrant()).isZero();
        for (int i = 0; i < 20; i++) {
            spread.acquire();
        }
        assertThat(spread.untilNextGrant()).isEqualTo(Duration.ofMillis(1250));
        assertThat(spread.untilNextGrant()).as("asking grants nothing").isEqualTo(Duration.ofMillis(1250));
        clock[0] += Duration.ofMillis(1000).toNanos();
        assertThat(spread.untilNextGrant()).isEqualTo(Duration.ofMillis(250));
        spread.pause(Duration.ofSeconds(5));
        assertThat(spread.untilNextGrant()).as("a 429's Retry-After").isEqualTo(Duration.ofSeconds(5));
    }
}
