package dev.elephant.connector.ec2;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Lookups of many concurrent requests made as few {@code DescribeInstances} calls: a request arriving
 * while a call is on its way waits for the next one, which asks for every instance that queued up
 * meanwhile (up to {@value #MAX_IDS} per call); a further call (up to {@value #MAX_CALLS} at once)
 * starts only when a whole call's worth is waiting. A request on its own is looked up at once. Under
 * a burst this saves EC2's request budget — DescribeInstances is throttled per account — and the CPU
 * of signing and parsing one call per event. Every answer comes from a call that started after the
 * request arrived: nothing is served from a cache.
 */
public final class CoalescingInstanceLookup implements InstanceLookup, AutoCloseable {

    static final int MAX_IDS = 100;
    static final int MAX_CALLS = 4;

    private final InstanceLookup lookup;
    private final Map<String, List<CompletableFuture<Optional<InstanceFacts>>>> queued = new LinkedHashMap<>();
    private final java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(
            MAX_CALLS, r -> {
                Thread t = new Thread(r, "elephant-ec2-lookup");
                t.setDaemon(true);
                return t;
            });
    private int calling;

    public CoalescingInstanceLookup(InstanceLookup lookup) {
        this.lookup = lookup;
    }

    @Override
    public Optional<InstanceFacts> describe(String instanceId) throws LookupUnavailable {
        CompletableFuture<Optional<InstanceFacts>> answer = new CompletableFuture<>();
        synchronized (this) {
            queued.computeIfAbsent(instanceId, id -> new ArrayList<>()).add(answer);
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
                throw new LookupUnavailable(u.getMessage(), u);
            }
            throw new LookupUnavailable("EC2 lookup failed: " + e.getCause(), e.getCause());
        }
    }

    /** Instances waiting for a call to ask for them. */
    synchronized int queuedInstances() {
        return queued.size();
    }

    /** Calls for everyone queued, then for whoever queued during that call, until none did. */
    private void callUntilNothingIsQueued() {
        while (true) {
            Map<String, List<CompletableFuture<Optional<InstanceFacts>>>> batch = new LinkedHashMap<>();
            synchronized (this) {
                var it = queued.entrySet().iterator();
                while (it.hasNext() && batch.size() < MAX_IDS) {
                    var e = it.next();
                    batch.put(e.getKey(), e.getValue());
                    it.remove();
                }
                if (batch.isEmpty()) {
                    calling--;
                    return;
                }
            }
            try {
                Map<String, Optional<InstanceFacts>> found = lookup.describeAll(batch.keySet());
                batch.forEach((id, waiting) -> waiting.forEach(w -> w.complete(found.getOrDefault(id, Optional.empty()))));
            } catch (LookupUnavailable | RuntimeException e) {
                batch.values().forEach(waiting -> waiting.forEach(w -> w.completeExceptionally(e)));
            }
        }
    }

    @Override
    public Map<String, Optional<InstanceFacts>> describeAll(java.util.Collection<String> instanceIds)
            throws LookupUnavailable {
        return lookup.describeAll(instanceIds);
    }

    @Override
    public Optional<InstanceFacts> describeNetworkInterface(String networkInterfaceId) throws LookupUnavailable {
        return lookup.describeNetworkInterface(networkInterfaceId);
    }

    @Override
    public List<InstanceSummary> listProject(ProjectFilter project) throws LookupUnavailable {
        return lookup.listProject(project);
    }

    /** Stops calling EC2; whoever still waits is told EC2 is unavailable (their sender retries). */
    @Override
    public void close() {
        callers.shutdownNow();
        synchronized (this) {
            LookupUnavailable stopping = new LookupUnavailable("Elephant is stopping", null);
            queued.values().forEach(waiting -> waiting.forEach(w -> w.completeExceptionally(stopping)));
            queued.clear();
        }
    }
}
