package dev.elephant.sinks.machines;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Launches wait for EC2's resource bucket on Elephant's side instead of being throttled by EC2. */
class LaunchBudgetTest {

    private final AtomicLong now = new AtomicLong();
    private final LaunchBudget budget = new LaunchBudget(3, 2, now::get, now::addAndGet);

    @Test
    void theBucketIsSpentAtOnceThenLaunchesComeAtTheRefillRate() throws Exception {
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
    void aTokenOfALaunchThatDidNotHappenIsGivenBack() throws Exception {
        for (int i = 0; i < 3; i++) {
            budget.acquire();
        }
        budget.giveBack();
        budget.acquire();
        assertThat(now.get()).isZero();
    }
}
