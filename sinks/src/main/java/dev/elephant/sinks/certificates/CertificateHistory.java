package dev.elephant.sinks.certificates;

import dev.elephant.events.CertificateEvent;
import java.util.HashSet;
import java.util.Set;

/**
 * What a certificate's history on {@code certificates} says now: the certificate last issued, an attempt without an
 * outcome (a restart cut it short), the last outcome, how many attempts in a row failed, and a renew request not yet
 * carried out. A fold of the events, applied in order; applying the same event twice changes nothing, so the manager
 * can apply what it writes at once and again when it reads it back.
 */
public final class CertificateHistory {

    private final Set<String> seen = new HashSet<>();
    private CertificateEvent lastIssued;
    private CertificateEvent openAttempt;
    private CertificateEvent lastAttempt;
    private CertificateEvent lastOutcome;
    private CertificateEvent pendingRequest;
    private int failuresInARow;

    public void apply(CertificateEvent e) {
        if (e.phase() == null || e.attemptId() == null || !seen.add(e.attemptId() + "/" + e.phase())) {
            return;
        }
        switch (e.phase()) {
            case RENEW_REQUESTED -> pendingRequest = e;
            case ATTEMPT -> {
                openAttempt = e;
                lastAttempt = e;
                if (pendingRequest != null && pendingRequest.attemptId().equals(e.causeId())) {
                    pendingRequest = null;
                }
            }
            case ISSUED, FAILED -> {
                if (openAttempt != null && openAttempt.attemptId().equals(e.attemptId())) {
                    openAttempt = null;
                }
                lastOutcome = e;
                if (e.phase() == CertificateEvent.Phase.ISSUED) {
                    lastIssued = e;
                    failuresInARow = 0;
                } else {
                    failuresInARow++;
                }
            }
        }
    }

    /** The certificate last issued, or null. */
    public CertificateEvent lastIssued() {
        return lastIssued;
    }

    /** An attempt without an outcome, or null. */
    public CertificateEvent openAttempt() {
        return openAttempt;
    }

    public CertificateEvent lastAttempt() {
        return lastAttempt;
    }

    /** The last issued or failed, or null. */
    public CertificateEvent lastOutcome() {
        return lastOutcome;
    }

    /** An operator's renew request no attempt has carried out yet, or null. */
    public CertificateEvent pendingRequest() {
        return pendingRequest;
    }

    public int failuresInARow() {
        return failuresInARow;
    }
}
