package dev.elephant.connector.ec2;

import dev.elephant.events.TokenBudget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lookups of many concurrent requests made as few {@code DescribeInstances} calls, and ECS tasks' network interfaces
 * as few {@code DescribeNetworkInterfaces} calls, within EC2's request budget (one, shared by both).
 *
 * <ul>
 *   <li><b>Coalesced.</b> A request arriving while a call is on its way, or while the budget has no token, waits for
 *       the next call, which asks for every instance (interface) that queued up meanwhile (up to {@value #MAX_IDS}
 *       per call); a further call (up to {@value #MAX_CALLS} at once) starts only when a whole call's worth is waiting. A request
 *       on its own is looked up at once.</li>
 *   <li><b>Paced.</b> Every call takes a token from Elephant's share of the account's {@code Describe*} bucket first
 *       ({@link TokenBudget}; EC2's is 100 refilled at 20 a second, shared by every user of the account), so a burst of
 *       events makes fewer, fuller calls instead of meeting {@code RequestLimitExceeded}.</li>
 *   <li><b>Throttling waits.</b> When EC2 throttles a call anyway (the account's other users spent the bucket), its
 *       instances go back to the head of the queue and are asked again after a backoff; only a request that has
 *       waited {@code maxWait} is told EC2 is unavailable ({@link LookupUnavailable#throttled()}), so that its sender
 *       hears within its own timeout.</li>
 * </ul>
 * Every answer comes from a call that started after the request arrived: nothing is served from a cache.
 */
public final class CoalescingInstanceLookup implements InstanceLookup, AutoCloseable {

    static final int MAX_IDS = 100;
    static final int MAX_CALLS = 4;
    /** Half of EC2's Describe bucket (100, 20 a second): the other half is left to the account's other users. */
    public static final int DEFAULT_BUCKET = 50;
    public static final double DEFAULT_REFILL_PER_SECOND = 10;
    /** Below EventBridge's 5-second timeout for an API destination, with room for the write to Kafka after it. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(3);
    private static final long FIRST_BACKOFF_NANOS = Duration.ofMillis(100).toNanos();
    private static final long MAX_BACKOFF_NANOS = Duration.ofSeconds(1).toNanos();
    /** How long a caller sleeps at most before looking at the queue's deadlines again. */
    private static final long MAX_NAP_NANOS = Duration.ofMillis(20).toNanos();

    private record Waiting(CompletableFuture<Optional<InstanceFacts>> answer, long deadline) {}

    private final TokenBudget budget;
    private final long maxWaitNanos;
    private final LongSupplier nanoClock;
    private final ExecutorService callers = Executors.newFixedThreadPool(2 * MAX_CALLS, r -> {
        Thread t = new Thread(r, "elephant-ec2-lookup");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong throttledCalls = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    private final InstanceLookup lookup;
    /** Instances (EC2 events) and network interfaces (ECS tasks' addresses and tags): each gathers its own calls. */
    private final Gathering instances;
    private final Gathering interfaces;

    public CoalescingInstanceLookup(InstanceLookup lookup) {
        this(lookup, TokenBudget.of(DEFAULT_BUCKET, DEFAULT_REFILL_PER_SECOND), DEFAULT_MAX_WAIT, System::nanoTime);
    }

    public CoalescingInstanceLookup(InstanceLookup lookup, TokenBudget budget, Duration maxWait, LongSupplier nanoClock) {
        this.lookup = lookup;
        this.budget = budget;
        this.maxWaitNanos = maxWait.toNanos();
        this.nanoClock = nanoClock;
        this.instances = new Gathering("DescribeInstances", lookup::describeAll);
        this.interfaces = new Gathering("DescribeNetworkInterfaces", lookup::describeNetworkInterfaces);
    }

    @Override
    public Optional<InstanceFacts> describe(String instanceId) throws LookupUnavailable {
        return instances.ask(instanceId);
    }

    @Override
    public Optional<InstanceFacts> describeNetworkInterface(String networkInterfaceId) throws LookupUnavailable {
        return interfaces.ask(networkInterfaceId);
    }

    /** Instances waiting for a call to ask for them. */
    int queuedInstances() {
        return instances.queuedIds();
    }

    /** Calls EC2 answered RequestLimitExceeded. */
    public long throttledCalls() {
        return throttledCalls.get();
    }

    /** Requests told EC2 was unavailable because they waited {@code maxWait} for the budget or for EC2. */
    public long expired() {
        return expired.get();
    }

    /** The requests of one kind of call waiting for it, and the callers making it. */
    private final class Gathering {

        private final String action;
        private final LookupCalls.Call call;
        private Map<String, List<Waiting>> queued = new LinkedHashMap<>();
        private int calling;

        Gathering(String action, LookupCalls.Call call) {
            this.action = action;
            this.call = call;
        }

        Optional<InstanceFacts> ask(String id) throws LookupUnavailable {
            CompletableFuture<Optional<InstanceFacts>> answer = new CompletableFuture<>();
            synchronized (this) {
                queued.computeIfAbsent(id, k -> new ArrayList<>())
                        .add(new Waiting(answer, nanoClock.getAsLong() + maxWaitNanos));
                // One call at a time gathers the most ids per call, which is what a call costs least per event
                // with (its signing, HTTP and pipeline cost more than its XML); another starts only when a full
                // call's worth of ids is waiting.
                if (calling == 0 || (calling < MAX_CALLS && queued.size() >= MAX_IDS)) {
                    calling++;
                    callers.execute(this::callUntilNothingIsQueued);
                }
            }
            try {
                return answer.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LookupUnavailable("interrupted while EC2 was asked", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof LookupUnavailable u) {
                    throw new LookupUnavailable(u.getMessage(), u, u.throttled());
                }
                throw new LookupUnavailable("EC2 lookup failed: " + e.getCause(), e.getCause());
            }
        }

        synchronized int queuedIds() {
            return queued.size();
        }

        /** Calls for everyone queued, then for whoever queued during that call, until none did. */
        private void callUntilNothingIsQueued() {
            long backoff = FIRST_BACKOFF_NANOS;
            try {
                while (true) {
                    synchronized (this) {
                        expireOverdue(nanoClock.getAsLong());
                        if (queued.isEmpty()) {
                            calling--;
                            return;
                        }
                    }
                    long wait = budget.takeOrWait();
                    if (wait > 0) {
                        // Whoever arrives meanwhile joins the call the next token pays for.
                        nap(Math.min(wait, MAX_NAP_NANOS));
                        continue;
                    }
                    Map<String, List<Waiting>> batch = nextBatch();
                    if (batch.isEmpty()) {
                        budget.giveBack();
                        continue;
                    }
                    try {
                        Map<String, Optional<InstanceFacts>> found = call.describe(batch.keySet());
                        batch.forEach((id, waiting) -> waiting.forEach(
                                w -> w.answer().complete(found.getOrDefault(id, Optional.empty()))));
                        backoff = FIRST_BACKOFF_NANOS;
                    } catch (LookupUnavailable e) {
                        if (!e.throttled()) {
                            fail(batch, e);
                            continue;
                        }
                        throttledCalls.incrementAndGet();
                        budget.spend();
                        requeueFirst(batch);
                        nap(backoff);
                        backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
                    } catch (RuntimeException e) {
                        fail(batch, e);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                synchronized (this) {
                    calling--;
                }
            }
        }

        private synchronized Map<String, List<Waiting>> nextBatch() {
            Map<String, List<Waiting>> batch = new LinkedHashMap<>();
            var it = queued.entrySet().iterator();
            while (it.hasNext() && batch.size() < MAX_IDS) {
                var e = it.next();
                batch.put(e.getKey(), e.getValue());
                it.remove();
            }
            return batch;
        }

        /** A throttled call's ids are asked first again: they have waited longest. */
        private synchronized void requeueFirst(Map<String, List<Waiting>> batch) {
            Map<String, List<Waiting>> again = new LinkedHashMap<>(batch);
            queued.forEach((id, waiting) -> again.merge(id, waiting, (a, b) -> {
                List<Waiting> both = new ArrayList<>(a);
                both.addAll(b);
                return both;
            }));
            queued = again;
        }

        /** Tells whoever waited {@code maxWait} that EC2 is unavailable: their sender retries within its own timeout. */
        private void expireOverdue(long now) {
            var it = queued.values().iterator();
            while (it.hasNext()) {
                List<Waiting> waiting = it.next();
                waiting.removeIf(w -> {
                    if (now - w.deadline() < 0) {
                        return false;
                    }
                    expired.incrementAndGet();
                    w.answer().completeExceptionally(new LookupUnavailable("EC2's " + action + " request rate did not "
                            + "allow a lookup within " + Duration.ofNanos(maxWaitNanos).toMillis() + " ms", null, true));
                    return true;
                });
                if (waiting.isEmpty()) {
                    it.remove();
                }
            }
        }

        /** Whoever still waits is told EC2 is unavailable (their sender retries). */
        private synchronized void stop() {
            LookupUnavailable stopping = new LookupUnavailable("Elephant is stopping", null);
            queued.values().forEach(waiting -> waiting.forEach(w -> w.answer().completeExceptionally(stopping)));
            queued.clear();
        }
    }

    private static void fail(Map<String, List<Waiting>> batch, Exception e) {
        batch.values().forEach(waiting -> waiting.forEach(w -> w.answer().completeExceptionally(e)));
    }

    private static void nap(long nanos) throws InterruptedException {
        Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    }

    /** The sweep's lookups: each call of at most {@value #MAX_IDS} ids takes its token from the same budget first. */
    @Override
    public Map<String, Optional<InstanceFacts>> describeAll(Collection<String> instanceIds)
            throws LookupUnavailable {
        return LookupCalls.inCallsOf(MAX_IDS, instanceIds, paced(lookup::describeAll));
    }

    /** The same for network interfaces. */
    @Override
    public Map<String, Optional<InstanceFacts>> describeNetworkInterfaces(Collection<String> networkInterfaceIds)
            throws LookupUnavailable {
        return LookupCalls.inCallsOf(MAX_IDS, networkInterfaceIds, paced(lookup::describeNetworkInterfaces));
    }

    /** The sweep's listing, each page a call that takes its token first (a fleet of 100,000 is 100 pages). */
    @Override
    public List<InstanceSummary> listProject(ProjectFilter project) throws LookupUnavailable {
        return LookupCalls.everyPage(token -> {
            takeToken();
            return lookup.listProjectPage(project, token);
        });
    }

    /** The call, after it took its token. */
    private LookupCalls.Call paced(LookupCalls.Call call) {
        return ids -> {
            takeToken();
            return call.describe(ids);
        };
    }

    private void takeToken() throws LookupUnavailable {
        try {
            budget.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LookupUnavailable("interrupted while waiting for EC2's request budget", e);
        }
    }

    /** Stops calling EC2; whoever still waits is told EC2 is unavailable (their sender retries). */
    @Override
    public void close() {
        callers.shutdownNow();
        instances.stop();
        interfaces.stop();
    }
}
