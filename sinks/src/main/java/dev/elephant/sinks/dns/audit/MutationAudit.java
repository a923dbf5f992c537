package dev.elephant.sinks.dns.audit;

import dev.elephant.events.DnsMutation;
import dev.elephant.sinks.audit.AuditTrail;
import java.time.Duration;
import java.util.Map;

/** The DNS sink's audit trail on {@code dns-mutations}, keyed by record name. */
public final class MutationAudit extends AuditTrail<DnsMutation> {

    public MutationAudit(Map<String, Object> clientProperties, String topic, String deadLetterTopic, Duration timeout) {
        super(clientProperties, topic, deadLetterTopic, timeout, DnsMutation::name, "elephant-dns-audit");
    }
}
