package dev.elephant.sinks.certificates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.events.CertificateEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RenewalPolicyTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final List<String> NAMES = List.of("*.elephant.test");
    private final RenewalPolicy policy = new RenewalPolicy(Duration.ofDays(30), Duration.ofMinutes(2),
            Duration.ofHours(6));

    private static CertificateEvent attempt(String id, Instant at) {
        return CertificateEvent.attempt(id, "elephant/certificate", NAMES, "first", "https://acme.test/dir", null, at);
    }

    private static CertificateHistory issuedFor(Duration lifetime, List<String> names) {
        CertificateHistory h = new CertificateHistory();
        CertificateEvent a = CertificateEvent.attempt("a1", "elephant/certificate", names, "first", "d", null, T0);
        h.apply(a);
        h.apply(a.issued("acct", "01", "CN=CA", T0, T0.plus(lifetime), "ff", "v1", null, T0));
        return h;
    }

    @Test
    void nothingIssuedYetIsOrderedAtOnce() {
        assertThat(policy.decide(new CertificateHistory(), NAMES, T0).reason()).isEqualTo("first");
    }

    @Test
    void aValidCertificateIsNeverOrderedAgainBeforeItIsDue() {
        CertificateHistory h = issuedFor(Duration.ofDays(90), NAMES);
        RenewalPolicy.Decision d = policy.decide(h, NAMES, T0.plus(Duration.ofDays(59)));
        assertThat(d.orders()).isFalse();
        assertThat(d.at()).isEqualTo(T0.plus(Duration.ofDays(60)));
        assertThat(policy.decide(h, NAMES, T0.plus(Duration.ofDays(60))).reason()).isEqualTo("due");
    }

    @Test
    void aShortLivedCertificateIsRenewedAtTwoThirdsOfItsLifeNotAtOnce() {
        CertificateHistory h = issuedFor(Duration.ofDays(6), NAMES);
        assertThat(policy.decide(h, NAMES, T0.plus(Duration.ofDays(3))).orders()).isFalse();
        assertThat(policy.decide(h, NAMES, T0.plus(Duration.ofDays(4))).reason()).isEqualTo("due");
    }

    @Test
    void otherNamesConfiguredOrderANewCertificate() {
        CertificateHistory h = issuedFor(Duration.ofDays(90), List.of("*.old.test"));
        assertThat(policy.decide(h, NAMES, T0.plusSeconds(1)).reason()).isEqualTo("names-changed");
    }

    @Test
    void aFailedAttemptWaitsForItsBackoffAndARenewRequestDoesNot() {
        CertificateHistory h = new CertificateHistory();
        CertificateEvent a = attempt("a1", T0);
        h.apply(a);
        Instant next = policy.nextAttempt(1, T0, null);
        h.apply(a.failed(null, "boom", true, next, null, T0));
        assertThat(next).isEqualTo(T0.plus(Duration.ofMinutes(2)));
        assertThat(policy.decide(h, NAMES, T0.plusSeconds(60)).orders()).isFalse();
        assertThat(policy.decide(h, NAMES, next).reason()).isEqualTo("first");
        h.apply(CertificateEvent.renewRequested("r1", "elephant/certificate", true, T0.plusSeconds(61)));
        RenewalPolicy.Decision forced = policy.decide(h, NAMES, T0.plusSeconds(62));
        assertThat(forced.reason()).isEqualTo("forced");
        assertThat(forced.causeId()).isEqualTo("r1");
    }

    @Test
    void theBackoffDoublesUpToItsMaximumAndHonoursTheServersRetryAfter() {
        assertThat(policy.nextAttempt(3, T0, null)).isEqualTo(T0.plus(Duration.ofMinutes(8)));
        assertThat(policy.nextAttempt(40, T0, null)).isEqualTo(T0.plus(Duration.ofHours(6)));
        Instant asked = T0.plus(Duration.ofHours(1));
        assertThat(policy.nextAttempt(1, T0, asked)).isEqualTo(asked);
    }

    @Test
    void theHistoryFoldIgnoresAnEventSeenTwiceAndClosesARequestItsAttemptCarriesOut() {
        CertificateHistory h = new CertificateHistory();
        h.apply(CertificateEvent.renewRequested("r1", "elephant/certificate", true, T0));
        CertificateEvent a = CertificateEvent.attempt("a1", "elephant/certificate", NAMES, "forced", "d", "r1", T0);
        h.apply(a);
        assertThat(h.pendingRequest()).isNull();
        assertThat(h.openAttempt()).isEqualTo(a);
        CertificateEvent failed = a.failed(null, "x", true, T0, null, T0);
        h.apply(failed);
        h.apply(failed);
        assertThat(h.failuresInARow()).isEqualTo(1);
        assertThat(h.openAttempt()).isNull();
    }
}
