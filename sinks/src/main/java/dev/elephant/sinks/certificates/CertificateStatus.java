package dev.elephant.sinks.certificates;

import dev.elephant.events.CertificateEvent;
import dev.elephant.events.Json;
import dev.elephant.sinks.TopicSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A certificate as its history on {@code certificates} tells it, for an operator: {@code elephant cert status} and
 * {@code GET /v1/certificates} on the operations listener. Read from the topic, so any instance (or the command
 * line, with only Kafka) answers the same.
 *
 * @param daysLeft    whole days until not-after, or null before one is issued
 * @param lastAttempt the last attempt (its reason and time), or null
 * @param lastError   the last attempt's error when it failed, else null
 * @param nextAttemptAt when a failed certificate is tried again, or null
 * @param inProgress  an attempt without an outcome yet
 * @param pendingRequest an operator's renew request not carried out yet
 */
public record CertificateStatus(
        String certificate,
        List<String> names,
        String issuer,
        String serial,
        Instant notBefore,
        Instant notAfter,
        Long daysLeft,
        CertificateEvent lastAttempt,
        String lastError,
        Instant nextAttemptAt,
        boolean inProgress,
        boolean pendingRequest) {

    public static CertificateStatus of(String certificate, CertificateHistory h, Instant now) {
        CertificateEvent issued = h.lastIssued();
        CertificateEvent outcome = h.lastOutcome();
        boolean failed = outcome != null && outcome.phase() == CertificateEvent.Phase.FAILED;
        return new CertificateStatus(certificate,
                issued == null ? List.of() : issued.names(),
                issued == null ? null : issued.issuer(),
                issued == null ? null : issued.serial(),
                issued == null ? null : issued.notBefore(),
                issued == null ? null : issued.notAfter(),
                issued == null ? null : Duration.between(now, issued.notAfter()).toDays(),
                h.lastAttempt(),
                failed ? outcome.error() : null,
                failed ? outcome.nextAttemptAt() : null,
                h.openAttempt() != null,
                h.pendingRequest() != null);
    }

    /** Reads the certificate's history (the one partition of its key) and tells its status. */
    public static CertificateStatus read(Map<String, Object> kafka, String topic, String certificate, Instant now,
                                         Duration timeout) throws TimeoutException {
        return of(certificate, history(kafka, topic, certificate, timeout), now);
    }

    /** The certificate's history as the topic holds it now. */
    public static CertificateHistory history(Map<String, Object> kafka, String topic, String certificate,
                                             Duration timeout) throws TimeoutException {
        int count = TopicSnapshot.partitionsOf(kafka, topic, timeout).size();
        TopicPartition p = new TopicPartition(topic, TopicSnapshot.partitionOf(certificate, count));
        CertificateHistory h = new CertificateHistory();
        for (ConsumerRecord<String, byte[]> r : TopicSnapshot.read(kafka, List.of(p), timeout).records()) {
            if (certificate.equals(r.key())) {
                try {
                    h.apply(Json.fromBytes(r.value(), CertificateEvent.class));
                } catch (RuntimeException e) {
                    // not a certificate event: elephant audit shows it; the status goes by the readable ones
                }
            }
        }
        return h;
    }

    /** The lines {@code elephant cert status} prints. */
    public String text() {
        StringBuilder out = new StringBuilder();
        out.append("certificate ").append(certificate).append('\n');
        if (notAfter == null) {
            out.append("  none issued yet\n");
        } else {
            out.append("  names      ").append(String.join(", ", names)).append('\n');
            out.append("  issuer     ").append(issuer).append('\n');
            out.append("  serial     ").append(serial).append('\n');
            out.append("  not after  ").append(notAfter).append(" (").append(daysLeft).append(" day(s) left)\n");
        }
        if (lastAttempt != null) {
            out.append("  last attempt ").append(lastAttempt.time()).append(" (").append(lastAttempt.reason())
                    .append(")").append(inProgress ? ": in progress" : lastError != null ? ": failed" : ": issued")
                    .append('\n');
        }
        if (lastError != null) {
            out.append("  error      ").append(lastError).append('\n');
            out.append("  next attempt ").append(nextAttemptAt).append('\n');
        }
        if (pendingRequest) {
            out.append("  a renew request is waiting for the certificate's owner\n");
        }
        return out.toString();
    }
}
