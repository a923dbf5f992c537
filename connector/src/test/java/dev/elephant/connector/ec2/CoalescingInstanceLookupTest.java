package dev.elephant.connector.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CoalescingInstanceLookupTest {

    /** EC2 that holds its first calls until released, takes 20 ms for every call, and counts them. */
    private static final class SlowEc2 implements InstanceLookup {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();
        final List<Integer> sizes = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile boolean failing;

        @Override
        public Map<String, Optional<InstanceFacts>> describeAll(Collection<String> ids) throws LookupUnavailable {
            calls.incrementAndGet();
            sizes.add(ids.size());
            try {
                release.await(10, TimeUnit.SECONDS);
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new LookupUnavailable("interrupted", e);
            }
            if (failing) {
                throw new LookupUnavailable("RequestLimitExceeded", null);
            }
            Map<String, Optional<InstanceFacts>> found = new HashMap<>();
            ids.forEach(id -> found.put(id, id.endsWith("gone") ? Optional.empty()
                    : Optional.of(new InstanceFacts("192.0.2." + id.length(), null, Map.of("Name", id)))));
            return found;
        }

        @Override
        public Optional<InstanceFacts> describe(String id) throws LookupUnavailable {
            return describeAll(List.of(id)).get(id);
        }

        @Override
        public Optional<InstanceFacts> describeNetworkInterface(String id) {
            return Optional.empty();
        }

        @Override
        public List<InstanceSummary> listProject(ProjectFilter project) {
            return List.of();
        }
    }

    private static int held(SlowEc2 ec2) {
        synchronized (ec2.sizes) {
            return ec2.sizes.stream().mapToInt(Integer::intValue).sum();
        }
    }

    @Test
    void concurrentLookupsShareFewCallsAndEachGetsItsOwnAnswer() throws Exception {
        SlowEc2 ec2 = new SlowEc2();
        ExecutorService requests = Executors.newFixedThreadPool(64);
        try (CoalescingInstanceLookup lookup = new CoalescingInstanceLookup(ec2)) {
            List<Future<Optional<InstanceFacts>>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String id = i % 50 == 0 ? "i-" + i + "gone" : "i-" + i;
                answers.add(requests.submit(() -> lookup.describe(id)));
            }
            // every request the pool runs at once is either in a held call or queued behind them (waiting on the queue itself,
            // not on a clock: a loaded machine takes its time to start 64 threads)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (lookup.queuedInstances() + held(ec2) < 64 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            ec2.release.countDown();
            for (int i = 0; i < 200; i++) {
                Optional<InstanceFacts> facts = answers.get(i).get(10, TimeUnit.SECONDS);
                if (i % 50 == 0) {
                    assertThat(facts).as("an instance EC2 no longer knows").isEmpty();
                } else {
                    assertThat(facts).get().extracting(f -> f.tags().get("Name")).isEqualTo("i-" + i);
                }
            }
            // 64 requests at a time: while the first calls are held, the other 60 queue and share the next ones.
            assertThat(ec2.calls.get()).as("calls for 200 lookups, batch sizes " + ec2.sizes).isLessThan(50);
            assertThat(ec2.sizes.stream().mapToInt(Integer::intValue).max().orElse(0)).isGreaterThanOrEqualTo(30);
            assertThat(ec2.sizes).allSatisfy(n -> assertThat(n).isBetween(1, CoalescingInstanceLookup.MAX_IDS));
        } finally {
            requests.shutdownNow();
        }
    }

    @Test
    void aLookupOnItsOwnIsOneCallAtOnceAndAFailureReachesEveryoneWaiting() throws Exception {
        SlowEc2 ec2 = new SlowEc2();
        ec2.release.countDown();
        try (CoalescingInstanceLookup lookup = new CoalescingInstanceLookup(ec2)) {
            assertThat(lookup.describe("i-1")).isPresent();
            assertThat(ec2.sizes).containsExactly(1);

            ec2.failing = true;
            assertThatThrownBy(() -> lookup.describe("i-2")).isInstanceOf(InstanceLookup.LookupUnavailable.class)
                    .hasMessageContaining("RequestLimitExceeded");
        }
    }

    /** EC2 answering at once, throttling the calls it is told to, and remembering each call's ids. */
    private static class ThrottlingEc2 implements InstanceLookup {
        final AtomicInteger throttleNext = new AtomicInteger();
        final List<Integer> sizes = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<Integer> interfaceSizes = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile boolean alwaysThrottled;

        @Override
        public Map<String, Optional<InstanceFacts>> describeAll(Collection<String> ids) throws LookupUnavailable {
            sizes.add(ids.size());
            if (alwaysThrottled || throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new LookupUnavailable("EC2 DescribeInstances failed: RequestLimitExceeded", null, true);
            }
            Map<String, Optional<InstanceFacts>> found = new HashMap<>();
            ids.forEach(id -> found.put(id, Optional.of(new InstanceFacts("192.0.2.1", null, Map.of("Name", id)))));
            return found;
        }

        @Override
        public Optional<InstanceFacts> describe(String id) throws LookupUnavailable {
            return describeAll(List.of(id)).get(id);
        }

        @Override
        public Optional<InstanceFacts> describeNetworkInterface(String id) throws LookupUnavailable {
            return describeNetworkInterfaces(List.of(id)).get(id);
        }

        @Override
        public Map<String, Optional<InstanceFacts>> describeNetworkInterfaces(Collection<String> ids) {
            interfaceSizes.add(ids.size());
            Map<String, Optional<InstanceFacts>> found = new HashMap<>();
            ids.forEach(id -> found.put(id, Optional.of(new InstanceFacts("192.0.2.2", null, Map.of("Name", id)))));
            return found;
        }

        @Override
        public List<InstanceSummary> listProject(ProjectFilter project) {
            return List.of();
        }
    }

    private static List<Future<Optional<InstanceFacts>>> lookUp(ExecutorService requests, CoalescingInstanceLookup lookup,
                                                               int count) {
        List<Future<Optional<InstanceFacts>>> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "i-" + i;
            answers.add(requests.submit(() -> lookup.describe(id)));
        }
        return answers;
    }

    @Test
    void aBurstBeyondTheBudgetWaitsForTokensAndSharesFullerCallsInsteadOfBeingThrottled() throws Exception {
        ThrottlingEc2 ec2 = new ThrottlingEc2();
        ExecutorService requests = Executors.newFixedThreadPool(100);
        // A budget of 2 calls, then 5 a second: 300 lookups arriving at once cannot have a call each.
        try (CoalescingInstanceLookup lookup = new CoalescingInstanceLookup(ec2,
                dev.elephant.events.TokenBudget.of(2, 5), java.time.Duration.ofSeconds(20), System::nanoTime)) {
            List<Future<Optional<InstanceFacts>>> answers = lookUp(requests, lookup, 300);
            for (int i = 0; i < 300; i++) {
                assertThat(answers.get(i).get(20, TimeUnit.SECONDS)).get()
                        .extracting(f -> f.tags().get("Name")).isEqualTo("i-" + i);
            }
            assertThat(lookup.throttledCalls()).isZero();
            assertThat(ec2.sizes.size()).as("calls for 300 lookups, batch sizes " + ec2.sizes).isLessThan(30);
            assertThat(ec2.sizes).allSatisfy(n -> assertThat(n).isBetween(1, CoalescingInstanceLookup.MAX_IDS));
        } finally {
            requests.shutdownNow();
        }
    }

    @Test
    void networkInterfaceLookupsAreGatheredIntoFewCallsPaidFromTheSameBudgetAsInstances() throws Exception {
        ThrottlingEc2 ec2 = new ThrottlingEc2();
        ExecutorService requests = Executors.newFixedThreadPool(200);
        // The same budget as above, now asked by 300 instance lookups and 300 ECS tasks' interfaces at once.
        try (CoalescingInstanceLookup lookup = new CoalescingInstanceLookup(ec2,
                dev.elephant.events.TokenBudget.of(2, 5), java.time.Duration.ofSeconds(20), System::nanoTime)) {
            List<Future<Optional<InstanceFacts>>> instances = lookUp(requests, lookup, 300);
            List<Future<Optional<InstanceFacts>>> interfaces = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String id = "eni-" + i;
                interfaces.add(requests.submit(() -> lookup.describeNetworkInterface(id)));
            }
            long start = System.nanoTime();
            for (int i = 0; i < 300; i++) {
                assertThat(interfaces.get(i).get(20, TimeUnit.SECONDS)).get()
                        .extracting(f -> f.tags().get("Name")).isEqualTo("eni-" + i);
                assertThat(instances.get(i).get(20, TimeUnit.SECONDS)).isPresent();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(ec2.interfaceSizes.size()).as("calls for 300 interfaces, batch sizes " + ec2.interfaceSizes)
                    .isLessThan(30);
            assertThat(ec2.interfaceSizes).allSatisfy(n -> assertThat(n).isBetween(1, CoalescingInstanceLookup.MAX_IDS));
            assertThat(ec2.sizes.size() + ec2.interfaceSizes.size()).as("calls of both kinds, within one budget")
                    .isLessThanOrEqualTo(2 + (int) Math.ceil(5 * (seconds + 1)));
        } finally {
            requests.shutdownNow();
        }
    }

    @Test
    void theSweepsListingPagesAndBulkLookupsEachTakeATokenFromTheSameBudget() throws Exception {
        /** EC2 listing the project in three pages and counting every call. */
        final class PagedEc2 extends ThrottlingEc2 {
            final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());

            @Override
            public Map<String, Optional<InstanceFacts>> describeAll(Collection<String> ids) throws LookupUnavailable {
                calls.add("describe " + ids.size());
                return super.describeAll(ids);
            }

            @Override
            public Page listProjectPage(ProjectFilter project, String nextToken) {
                int page = nextToken == null ? 1 : Integer.parseInt(nextToken);
                calls.add("list page " + page);
                return new Page(List.of(new InstanceSummary("i-" + page, "running",
                        new InstanceFacts("192.0.2.1", null, Map.of()))), page < 3 ? String.valueOf(page + 1) : null);
            }
        }
        PagedEc2 ec2 = new PagedEc2();
        // A budget of one call, refilled at 10 a second, on a clock that only the budget's waits move.
        AtomicLong now = new AtomicLong();
        AtomicLong slept = new AtomicLong();
        dev.elephant.events.TokenBudget budget = new dev.elephant.events.TokenBudget(1, 10, now::get, nanos -> {
            slept.addAndGet(nanos);
            now.addAndGet(nanos);
        });
        try (CoalescingInstanceLookup lookup = new CoalescingInstanceLookup(ec2, budget,
                java.time.Duration.ofSeconds(10), now::get)) {
            assertThat(lookup.listProject(new ProjectFilter("Project", "Elephant"))).hasSize(3);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 250; i++) {
                ids.add("i-" + i);
            }
            assertThat(lookup.describeAll(ids)).hasSize(250);
        }
        assertThat(ec2.calls).containsExactly("list page 1", "list page 2", "list page 3", "describe 100",
                "describe 100", "describe 50");
        assertThat(slept.get()).as("five calls after the first, each waiting a tenth of a second for its token")
                .isGreaterThanOrEqualTo(5 * 100_000_000L - 5);
    }

    @Test
    void aThrottledCallIsAskedAgainAfterABackoffAndItsRequestsAreAnswered() throws Exception {
        ThrottlingEc2 ec2 = new ThrottlingEc2();
        ec2.throttleNext.set(2);
        ExecutorService requests = Executors.newFixedThreadPool(20);
        try (CoalescingInstanceLookup lookup = new CoalescingInstanceLookup(ec2,
                dev.elephant.events.TokenBudget.of(50, 10), java.time.Duration.ofSeconds(10), System::nanoTime)) {
            List<Future<Optional<InstanceFacts>>> answers = lookUp(requests, lookup, 20);
            for (int i = 0; i < 20; i++) {
                assertThat(answers.get(i).get(10, TimeUnit.SECONDS)).as("no sender hears of the throttling").isPresent();
            }
            assertThat(lookup.throttledCalls()).isEqualTo(2);
            assertThat(lookup.expired()).isZero();
        } finally {
            requests.shutdownNow();
        }
    }

    @Test
    void aRequestThatWaitedItsWholeWaitIsToldEc2ThrottledItWithinThatWait() throws Exception {
        ThrottlingEc2 ec2 = new ThrottlingEc2();
        ec2.alwaysThrottled = true;
        try (CoalescingInstanceLookup lookup = new CoalescingInstanceLookup(ec2,
                dev.elephant.events.TokenBudget.of(50, 10), java.time.Duration.ofMillis(400), System::nanoTime)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> lookup.describe("i-1")).isInstanceOfSatisfying(InstanceLookup.LookupUnavailable.class,
                    e -> {
                        assertThat(e.throttled()).isTrue();
                        assertThat(e).hasMessageContaining("request rate");
                    });
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(400L, 5_000L);
            assertThat(ec2.sizes.size()).as("asked again with a backoff, not in a loop").isBetween(2, 8);
            assertThat(lookup.expired()).isEqualTo(1);
        }
    }
}
