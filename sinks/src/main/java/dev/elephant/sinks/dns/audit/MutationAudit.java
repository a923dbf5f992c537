package dev.elephant.sinks.dns.audit;

import dev.elephant.events.DnsMutation;
import dev.elephant.sinks.audit.AuditTrail;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The DNS sink's audit trail on {@code dns-mutations}, keyed by record name. It counts what it wrote: the intents
 * still waiting for their outcome (a write in flight, or one a provider outage holds), and the drift repairs.
 */
public final class MutationAudit extends AuditTrail<DnsMutation> {

    /**
     * How long an intent counts as open here: after a rebalance its outcome may be written by the instance that took
     * the name over, which this one never sees. A write held longer than this is a provider outage that health
     * names anyway.
     */
    static final long OPEN_FOR_NANOS = java.util.concurrent.TimeUnit.HOURS.toNanos(1);

    /** Intents without an outcome yet, by mutation id, with when they were handed in (System.nanoTime). */
    private final Map<String, Long> open = new ConcurrentHashMap<>();
    private final AtomicLong repaired = new AtomicLong();

    public MutationAudit(Map<String, Object> clientProperties, String topic, String deadLetterTopic, Duration timeout) {
        super(clientProperties, topic, deadLetterTopic, timeout, DnsMutation::name, "elephant-dns-audit");
    }

    @Override
    public synchronized void recordAll(List<DnsMutation> entries) throws AuditUnavailable {
        // Counted when handed in: a record the broker has not acknowledged yet stays in hand and is written later.
        for (DnsMutation m : entries) {
            if (m.phase() == DnsMutation.Phase.INTENT) {
                open.put(m.mutationId(), System.nanoTime());
            } else if (m.mutationId() != null) {
                open.remove(m.mutationId());
            }
            if (m.phase() == DnsMutation.Phase.DRIFT_REPAIRED) {
                repaired.incrementAndGet();
            }
        }
        super.recordAll(entries);
    }

    /** Intents this instance wrote in the last hour whose outcome it has not written yet. */
    public int openIntents() {
        long now = System.nanoTime();
        open.values().removeIf(at -> now - at > OPEN_FOR_NANOS);
        return open.size();
    }

    /** Drift repairs written since start. */
    public long driftRepaired() {
        return repaired.get();
    }
}
