package dev.elephant.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Calls wait for EC2's bucket on Elephant's side instead of being throttled by EC2. */
class TokenBudgetTest {

    private final AtomicLong now = new AtomicLong();
    private final TokenBudget budget = new TokenBudget(3, 2, now::get, now::addAndGet);

    @Test
    void theBucketIsSpentAtOnceThenCallsComeAtTheRefillRate() throws Exception {
        for (int i = 0; i < 3; i++) {
            budget.acquire();
        }
        assertThat(now.get()).as("the bucket's worth without waiting").isZero();
        budget.acquire();
        assertThat(now.get()).as("then one every half second").isEqualTo(500_000_000L);
        budget.acquire();
        assertThat(now.get()).isEqualTo(1_000_000_000L);
    }

    @Test
    void aTokenOfACallThatDidNotHappenIsGivenBack() throws Exception {
        for (int i = 0; i < 3; i++) {
            budget.acquire();
        }
        budget.giveBack();
        budget.acquire();
        assertThat(now.get()).isZero();
    }

    @Test
    void takeOrWaitSaysHowLongUntilTheNextTokenWithoutTakingOne() {
        for (int i = 0; i < 3; i++) {
            assertThat(budget.takeOrWait()).isZero();
        }
        assertThat(budget.takeOrWait()).isEqualTo(500_000_000L);
        now.addAndGet(200_000_000L);
        assertThat(budget.takeOrWait()).isEqualTo(300_000_000L);
        now.addAndGet(300_000_000L);
        assertThat(budget.takeOrWait()).isZero();
    }

    @Test
    void aThrottledCallEmptiesTheBudgetWhichRefillsFromThen() {
        assertThat(budget.takeOrWait()).isZero();
        budget.spend();
        assertThat(budget.takeOrWait()).as("EC2 said the account's bucket is empty").isEqualTo(500_000_000L);
        now.addAndGet(500_000_000L);
        assertThat(budget.takeOrWait()).isZero();
    }
}
