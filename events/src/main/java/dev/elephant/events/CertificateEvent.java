package dev.elephant.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * One entry of a certificate's history on {@code certificates}, keyed by the certificate's id (the name of the
 * secret it is stored in). An issuance is accountable like every side effect: an {@link Phase#ATTEMPT} before the
 * ACME order and one outcome after it under the same {@code attemptId} — {@link Phase#ISSUED} with what was stored,
 * or {@link Phase#FAILED} with the reason and when the next attempt is due. {@link Phase#RENEW_REQUESTED} is an
 * operator's {@code elephant cert renew}, which the certificate's owner carries out. Never a key: the certificate's
 * public facts only.
 *
 * @param reason        why an attempt was made ({@code first}, {@code due}, {@code forced}, {@code names-changed})
 * @param account       the ACME account's URL (not a secret: it names the account, the key stays in Secrets Manager)
 * @param serial        the leaf's serial number, hex
 * @param issuer        the leaf's issuer, as an RFC 2253 name
 * @param sha256        the leaf's SHA-256 fingerprint, hex
 * @param secretVersion the Secrets Manager version holding the chain and key
 * @param retryable     whether the failed attempt is tried again by itself
 * @param nextAttemptAt when a failed certificate is tried again
 * @param causeId       the renew request an attempt carries out, or the attempt an outcome settles
 */
public record CertificateEvent(
        int schemaVersion,
        String attemptId,
        Phase phase,
        String certificate,
        List<String> names,
        String reason,
        String directory,
        String account,
        String serial,
        String issuer,
        Instant notBefore,
        Instant notAfter,
        String sha256,
        String secretVersion,
        String error,
        Boolean retryable,
        Instant nextAttemptAt,
        String detail,
        String causeId,
        Instant time) {

    public static final int SCHEMA_VERSION = 1;

    public CertificateEvent {
        names = names == null ? List.of() : List.copyOf(names);
    }

    public static CertificateEvent renewRequested(String requestId, String certificate, boolean force, Instant at) {
        return new CertificateEvent(SCHEMA_VERSION, requestId, Phase.RENEW_REQUESTED, certificate, List.of(),
                force ? "forced" : "requested", null, null, null, null, null, null, null, null, null, null, null,
                null, null, at);
    }

    public static CertificateEvent attempt(String attemptId, String certificate, List<String> names, String reason,
                                           String directory, String causeId, Instant at) {
        return new CertificateEvent(SCHEMA_VERSION, attemptId, Phase.ATTEMPT, certificate, names, reason, directory,
                null, null, null, null, null, null, null, null, null, null, null, causeId, at);
    }

    /** This attempt's outcome: the certificate as it was stored. */
    public CertificateEvent issued(String accountUrl, String serialHex, String issuerName, Instant from, Instant until,
                                   String fingerprint, String version, String why, Instant at) {
        requireAttempt();
        return new CertificateEvent(schemaVersion, attemptId, Phase.ISSUED, certificate, names, reason, directory,
                accountUrl, serialHex, issuerName, from, until, fingerprint, version, null, null, null, why, causeId, at);
    }

    /** This attempt's outcome when it came to nothing. */
    public CertificateEvent failed(String accountUrl, String problem, boolean again, Instant next, String why,
                                   Instant at) {
        requireAttempt();
        return new CertificateEvent(schemaVersion, attemptId, Phase.FAILED, certificate, names, reason, directory,
                accountUrl, null, null, null, null, null, null, problem, again, next, why, causeId, at);
    }

    private void requireAttempt() {
        if (phase != Phase.ATTEMPT) {
            throw new IllegalStateException("an outcome follows an attempt, not " + phase);
        }
    }

    public enum Phase {
        @JsonProperty("renew-requested") RENEW_REQUESTED,
        @JsonProperty("attempt") ATTEMPT,
        @JsonProperty("issued") ISSUED,
        @JsonProperty("failed") FAILED;

        public boolean isOutcome() {
            return this == ISSUED || this == FAILED;
        }
    }
}
