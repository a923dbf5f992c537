package dev.elephant.sinks.certificates;

import dev.elephant.events.CertificateEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;

/**
 * When to order a certificate. Pure: the history, the names wanted and the time in, a decision out.
 *
 * <pre>
 *  history                                   | decision
 *  ------------------------------------------+-------------------------------------------------------
 *  an operator's renew request pending       | order now (reason forced), whatever the backoff says
 *  nothing issued yet                        | order (first), once the last failure's wait is over
 *  issued for other names than configured    | order (names-changed), likewise
 *  fewer than min(renewBefore, lifetime / 3) | order (due), likewise
 *  left before not-after                     |
 *  otherwise                                 | nothing until then: a valid certificate is never
 *                                            | ordered again (Let's Encrypt limits duplicates)
 * </pre>
 */
public final class RenewalPolicy {

    private final Duration renewBefore;
    private final Duration retryMin;
    private final Duration retryMax;

    public RenewalPolicy(Duration renewBefore, Duration retryMin, Duration retryMax) {
        this.renewBefore = renewBefore;
        this.retryMin = retryMin;
        this.retryMax = retryMax;
    }

    /** @param reason null: no order now; {@code at} says when to look again (null: nothing is foreseen) */
    public record Decision(String reason, String causeId, Instant at) {
        public boolean orders() {
            return reason != null;
        }
    }

    public Decision decide(CertificateHistory h, List<String> names, Instant now) {
        CertificateEvent request = h.pendingRequest();
        if (request != null) {
            return new Decision("forced", request.attemptId(), now);
        }
        CertificateEvent issued = h.lastIssued();
        String reason;
        Instant from;
        if (issued == null) {
            reason = "first";
            from = now;
        } else if (!new HashSet<>(issued.names()).equals(new HashSet<>(names))) {
            reason = "names-changed";
            from = now;
        } else {
            reason = "due";
            from = renewalTime(issued);
        }
        CertificateEvent last = h.lastOutcome();
        if (last != null && last.phase() == CertificateEvent.Phase.FAILED && last.nextAttemptAt() != null
                && last.nextAttemptAt().isAfter(from)) {
            from = last.nextAttemptAt();
        }
        return now.isBefore(from) ? new Decision(null, null, from) : new Decision(reason, null, now);
    }

    /** When a certificate becomes due: {@code renewBefore} before it ends, or at two thirds of its life if sooner. */
    public Instant renewalTime(CertificateEvent issued) {
        Duration lifetime = Duration.between(issued.notBefore(), issued.notAfter());
        Duration margin = lifetime.dividedBy(3).compareTo(renewBefore) < 0 ? lifetime.dividedBy(3) : renewBefore;
        return issued.notAfter().minus(margin);
    }

    /**
     * When to try again after a failed attempt: {@code retryMin} doubled for each earlier failure in a row, at most
     * {@code retryMax}, and never before the time the ACME server asked for (a rate limit's Retry-After).
     *
     * @param failures the failures in a row, this one included
     */
    public Instant nextAttempt(int failures, Instant failedAt, Instant serverAsked) {
        Duration wait = retryMin;
        for (int i = 1; i < failures && wait.compareTo(retryMax) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        if (wait.compareTo(retryMax) > 0) {
            wait = retryMax;
        }
        Instant next = failedAt.plus(wait);
        return serverAsked != null && serverAsked.isAfter(next) ? serverAsked : next;
    }
}
