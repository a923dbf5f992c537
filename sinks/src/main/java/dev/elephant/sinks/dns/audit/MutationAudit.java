package dev.elephant.sinks.dns.audit;

import dev.elephant.events.DnsMutation;
import dev.elephant.sinks.audit.AuditTrail;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The DNS sink's audit trail on {@code dns-mutations}, keyed by record name. It counts what it wrote: the intents
 * still waiting for their outcome (a write in flight, or one a provider outage holds), and the drift repairs.
 */
public final class MutationAudit extends AuditTrail<DnsMutation> {

    private final Set<String> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong repaired = new AtomicLong();

    public MutationAudit(Map<String, Object> clientProperties, String topic, String deadLetterTopic, Duration timeout) {
        super(clientProperties, topic, deadLetterTopic, timeout, DnsMutation::name, "elephant-dns-audit");
    }

    @Override
    public synchronized void recordAll(List<DnsMutation> entries) throws AuditUnavailable {
        super.recordAll(entries);
        for (DnsMutation m : entries) {
            if (m.phase() == DnsMutation.Phase.INTENT) {
                open.add(m.mutationId());
            } else if (m.mutationId() != null) {
                open.remove(m.mutationId());
            }
            if (m.phase() == DnsMutation.Phase.DRIFT_REPAIRED) {
                repaired.incrementAndGet();
            }
        }
    }

    /** Intents this instance wrote whose outcome it has not written yet. */
    public int openIntents() {
        return open.size();
    }

    /** Drift repairs written since start. */
    public long driftRepaired() {
        return repaired.get();
    }
}
