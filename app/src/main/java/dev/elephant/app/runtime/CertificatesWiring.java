package dev.elephant.app.runtime;

import dev.elephant.events.CertificateEvent;
import dev.elephant.sinks.audit.AuditTrail;
import dev.elephant.sinks.certificates.AcmeIssuer;
import dev.elephant.sinks.certificates.CertificateManager;
import dev.elephant.sinks.certificates.CertificateSettings;
import dev.elephant.sinks.certificates.CertificateStatus;
import dev.elephant.sinks.certificates.ChallengeRecords;
import dev.elephant.sinks.certificates.SdkSecretStore;
import dev.elephant.sinks.dns.audit.MutationAudit;
import dev.elephant.sinks.dns.plan.OwnershipMark;
import dev.elephant.sinks.dns.provider.DnsProvider;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The certificate: the challenge records written through the same DNS provider (and request budget) as every
 * record, gated on the challenge mark; the account key and the certificate in Secrets Manager; the manager that
 * orders and renews, on the instance that owns the certificate's partition of {@code certificates}.
 */
final class CertificatesWiring implements HealthCheck {

    private static final Duration SECRETS_CALL_TIMEOUT = Duration.ofSeconds(15);
    /** Route 53 answers INSYNC within about a minute ("ChangeResourceRecordSets"); a margin over it. */
    private static final Duration CHALLENGE_SYNC_TIMEOUT = Duration.ofMinutes(3);

    private final CertificateManager manager;
    private final ElephantSettings settings;
    private final Clock clock;

    private CertificatesWiring(CertificateManager manager, ElephantSettings settings, Clock clock) {
        this.manager = manager;
        this.settings = settings;
        this.clock = clock;
    }

    static CertificatesWiring start(ElephantSettings s, DnsProvider unguarded, Clock clock, MeterRegistry metrics,
                                    Closer closer) {
        CertificateSettings c = s.certificates();
        var topics = s.topics().names();
        OwnershipMark mark = new OwnershipMark(s.ownerId());
        MutationAudit dnsAudit = closer.register(new MutationAudit(s.kafka().properties(), topics.dnsMutations(),
                topics.deadLetter(), Duration.ofSeconds(10)));
        ChallengeRecords challenges = new ChallengeRecords(DnsProviders.gated(unguarded, mark.challengeText(), clock),
                dnsAudit, mark, s.topology().domain(), clock, CHALLENGE_SYNC_TIMEOUT);
        SecretsManagerClient client = closer.register(AwsClients.build(SecretsManagerClient.builder(), s.aws(),
                SECRETS_CALL_TIMEOUT, o -> { }));
        SdkSecretStore secrets = new SdkSecretStore(client);
        AuditTrail<CertificateEvent> history = closer.register(new AuditTrail<>(s.kafka().properties(),
                topics.certificates(), topics.deadLetter(), Duration.ofSeconds(10), CertificateEvent::certificate,
                "elephant-certificates-history"));
        CertificateManager manager = closer.register(new CertificateManager(s.kafka().properties(),
                s.applicationId() + "-certificates",
                new CertificateManager.Topics(topics.certificates(), topics.dnsMutations()), c,
                new AcmeIssuer(c, secrets, challenges), challenges, secrets, history, metrics, clock));
        manager.start();
        return new CertificatesWiring(manager, s, clock);
    }

    /** The certificate's status as its history tells it (any instance answers the same). */
    CertificateStatus status() throws TimeoutException {
        return CertificateStatus.read(settings.kafka().properties(), settings.topics().names().certificates(),
                settings.certificates().secret(), clock.instant(), Duration.ofSeconds(10));
    }

    /** Not readiness: an instance serves ingest and links whatever the certificate does. */
    @Override
    public void health(Map<String, String> problems) {
        if (!manager.isAlive()) {
            problems.put("certificates", "not running");
            return;
        }
        if (manager.isOwner()) {
            CertificateStatus st = CertificateStatus.of(settings.certificates().secret(), manager.history(),
                    clock.instant());
            if (st.lastError() != null) {
                problems.put("certificates", "the last attempt failed: " + st.lastError() + "; next attempt "
                        + st.nextAttemptAt());
            } else if (st.daysLeft() != null && st.daysLeft() < 7) {
                problems.put("certificates", "the certificate expires in " + st.daysLeft() + " day(s)");
            }
        }
    }
}
