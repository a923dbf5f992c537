package dev.elephant.sinks.certificates;

import dev.elephant.events.CertificateEvent;
import dev.elephant.events.DnsMutation;
import dev.elephant.events.Json;
import dev.elephant.sinks.Backoff;
import dev.elephant.sinks.ConsumerLoop;
import dev.elephant.sinks.TopicSnapshot;
import dev.elephant.sinks.audit.AuditTrail;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Obtains and renews the certificate: reads its history on {@code certificates}, decides by {@link RenewalPolicy}
 * when to order, and carries an order out with {@link AcmeIssuer}, an {@code attempt} on the topic before and its
 * outcome after. Several Elephant instances share one consumer group on the topic: the one holding the partition of
 * the certificate's key is its owner, the only one that orders, so a certificate is never ordered twice at once.
 *
 * <p>When it becomes the owner it reads the history from the beginning (a few events a month), then settles what a
 * restart cut short: an attempt without an outcome is {@code issued} if the secret holds a certificate newer than
 * the last recorded one, else {@code failed}; its challenge writes without an outcome are settled by the provider's
 * records; every challenge record of this deployment left at the certificate's names is removed.
 */
public final class CertificateManager extends ConsumerLoop {

    private static final Logger log = LoggerFactory.getLogger(CertificateManager.class);
    private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    /**
     * @param topic          {@code certificates}
     * @param mutationsTopic {@code dns-mutations}, where the challenge records' writes are audited
     */
    public record Topics(String topic, String mutationsTopic) {}

    private final Map<String, Object> kafka;
    private final Topics topics;
    private final CertificateSettings settings;
    private final RenewalPolicy policy;
    private final AcmeIssuer issuer;
    private final ChallengeRecords challenges;
    private final SecretStore secrets;
    private final AuditTrail<CertificateEvent> history;
    private final MeterRegistry metrics;
    private volatile CertificateHistory state = new CertificateHistory();
    private TopicPartition mine;
    private Long loadedAt;
    private boolean settled;
    private volatile boolean owner;

    public CertificateManager(Map<String, Object> kafka, String groupId, Topics topics, CertificateSettings settings,
                              AcmeIssuer issuer, ChallengeRecords challenges, SecretStore secrets,
                              AuditTrail<CertificateEvent> history, MeterRegistry metrics, Clock clock) {
        // An attempt runs on the poll thread and may take several attempt timeouts (each challenge, then the order):
        // the group must not take the certificate away meanwhile and give it to another instance to order again.
        super("certificates", committedReader(kafka, groupId, "elephant-certificates",
                Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE,
                        settings.attemptTimeout().multipliedBy(2L * settings.names().size() + 2).toMillis()))),
                BACKOFF, clock);
        this.kafka = kafka;
        this.topics = topics;
        this.settings = settings;
        this.policy = new RenewalPolicy(settings.renewBefore(), settings.retryMin(), settings.retryMax());
        this.issuer = issuer;
        this.challenges = challenges;
        this.secrets = secrets;
        this.history = history;
        this.metrics = metrics;
        Gauge.builder("elephant.certificate.expiry", this, CertificateManager::secondsLeft)
                .description("seconds until the certificate's not-after (negative once expired; NaN before one is issued"
                        + " or on an instance that does not own it)")
                .baseUnit("seconds").tags(Tags.of("certificate", settings.secret())).register(metrics);
    }

    /** Whether this instance holds the certificate's partition, and so orders it. */
    public boolean isOwner() {
        return owner;
    }

    private double secondsLeft() {
        CertificateEvent issued = owner ? state.lastIssued() : null;
        return issued == null ? Double.NaN : Duration.between(clock.instant(), issued.notAfter()).toSeconds();
    }

    @Override
    protected void subscribe() {
        consumer.subscribe(List.of(topics.topic()), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                int count = consumer.partitionsFor(topics.topic()).size();
                TopicPartition p = new TopicPartition(topics.topic(),
                        TopicSnapshot.partitionOf(settings.secret(), count));
                if (partitions.contains(p)) {
                    // The history is read whole each time this instance becomes the owner: it is short.
                    mine = p;
                    consumer.seekToBeginning(List.of(p));
                    loadedAt = consumer.endOffsets(List.of(p)).get(p);
                    state = new CertificateHistory();
                    settled = false;
                    owner = true;
                    log.info("this instance now owns the certificate {} ({})", settings.secret(), settings.names());
                }
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                if (mine != null && partitions.contains(mine)) {
                    owner = false;
                    mine = null;
                    loadedAt = null;
                }
            }
        });
    }

    @Override
    protected boolean pollOnce() {
        var records = consumer.poll(Duration.ofMillis(500));
        for (ConsumerRecord<String, byte[]> r : records) {
            if (!settings.secret().equals(r.key())) {
                continue;
            }
            try {
                state.apply(Json.fromBytes(r.value(), CertificateEvent.class));
            } catch (RuntimeException e) {
                log.warn("skipped an unreadable record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                        e.getMessage());
            }
        }
        if (mine == null || consumer.position(mine) < loadedAt) {
            return true; // not the owner, or the history not read to the end yet
        }
        if (!settled) {
            if (!untilDone("settling what a restart left of certificate " + settings.secret(), this::settleAfterStart)) {
                return false;
            }
            settled = true;
        }
        RenewalPolicy.Decision d = policy.decide(state, settings.names(), clock.instant());
        if (d.orders()) {
            return attempt(d);
        }
        return true;
    }

    /** @return false when stopping */
    private boolean attempt(RenewalPolicy.Decision d) {
        CertificateEvent attempt = CertificateEvent.attempt(UUID.randomUUID().toString(), settings.secret(),
                settings.names(), d.reason(), settings.directory().toString(), d.causeId(), clock.instant());
        if (!untilDone("recording certificate attempt", () -> history.record(attempt))) {
            return false;
        }
        state.apply(attempt);
        log.info("ordering a certificate for {} from {} (reason: {}, attempt {})", settings.names(),
                settings.directory(), d.reason(), attempt.attemptId());
        CertificateEvent outcome;
        try {
            AcmeIssuer.Issued issued = issuer.issue(settings.names(), attempt.attemptId());
            String pem = Pem.chainAndKey(issued.chain(), issued.key().getPrivate());
            String[] version = new String[1];
            if (!untilDone("storing the certificate in " + settings.secret(),
                    () -> version[0] = secrets.write(settings.secret(), pem))) {
                return false; // stopping with the certificate unstored: the next start orders again
            }
            X509Certificate leaf = issued.leaf();
            outcome = attempt.issued(issuer.accountUrl(), Pem.serial(leaf),
                    leaf.getIssuerX500Principal().getName(), leaf.getNotBefore().toInstant(),
                    leaf.getNotAfter().toInstant(), Pem.fingerprint(leaf), version[0], null, clock.instant());
            log.info("certificate for {} issued by {}, valid until {}, stored in the secret {}", settings.names(),
                    outcome.issuer(), outcome.notAfter(), settings.secret());
        } catch (AcmeIssuer.Failure f) {
            Instant now = clock.instant();
            Instant next = f.retryable()
                    ? policy.nextAttempt(state.failuresInARow() + 1, now, f.retryAfter())
                    : now.plus(settings.retryMax());
            outcome = attempt.failed(issuer.accountUrl(), f.getMessage(), f.retryable(), next, null, now);
            log.warn("certificate attempt {} for {} failed: {}; next attempt at {}", attempt.attemptId(),
                    settings.names(), f.getMessage(), next);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false; // stopping: the next start settles the attempt
        }
        CertificateEvent recorded = outcome;
        if (!untilDone("recording the certificate attempt's outcome", () -> history.record(recorded))) {
            return false;
        }
        state.apply(recorded);
        Counter.builder("elephant.certificate.attempts").description("certificate orders by outcome")
                .tags("certificate", settings.secret(), "outcome", recorded.phase() == CertificateEvent.Phase.ISSUED
                        ? "issued" : "failed").register(metrics).increment();
        return true;
    }

    private void settleAfterStart() throws Exception {
        CertificateEvent open = state.openAttempt();
        Set<String> names = new LinkedHashSet<>();
        settings.names().forEach(n -> names.add(challenges.nameFor(n)));
        if (open != null) {
            List<DnsMutation> intents = openChallengeIntents(open, names);
            challenges.settle(intents, "settled after a restart");
            CertificateEvent outcome = outcomeOfInterrupted(open);
            history.record(outcome);
            state.apply(outcome);
            log.info("settled certificate attempt {} a restart cut short: {}", open.attemptId(),
                    outcome.phase() == CertificateEvent.Phase.ISSUED ? "the secret holds its certificate" : "failed");
        }
        int removed = 0;
        for (String name : names) {
            removed += challenges.remove(name, open == null ? "start" : open.attemptId(),
                    "left by an attempt a restart cut short");
        }
        if (removed > 0) {
            log.info("removed {} challenge record(s) an interrupted attempt left", removed);
        }
    }

    /** The challenge writes of the attempt that have an intent on {@code dns-mutations} and no outcome. */
    private List<DnsMutation> openChallengeIntents(CertificateEvent open, Set<String> names) throws Exception {
        int count = consumer.partitionsFor(topics.mutationsTopic()).size();
        Set<TopicPartition> partitions = new LinkedHashSet<>();
        names.forEach(n -> partitions.add(new TopicPartition(topics.mutationsTopic(),
                TopicSnapshot.partitionOf(n, count))));
        Map<TopicPartition, Long> from = TopicSnapshot.offsetsSince(kafka, partitions, open.time(), READ_TIMEOUT);
        Map<String, DnsMutation> intents = new LinkedHashMap<>();
        TopicSnapshot.scan(kafka, partitions, from, READ_TIMEOUT, r -> {
            DnsMutation m;
            try {
                m = Json.fromBytes(r.value(), DnsMutation.class);
            } catch (RuntimeException e) {
                return;
            }
            if (!open.attemptId().equals(m.causeId()) || m.mutationId() == null) {
                return;
            }
            if (m.phase() == DnsMutation.Phase.INTENT) {
                intents.put(m.mutationId(), m);
            } else {
                intents.remove(m.mutationId());
            }
        });
        return new ArrayList<>(intents.values());
    }

    /** What the world says of an attempt whose outcome a restart cut off: the secret holds its certificate, or not. */
    private CertificateEvent outcomeOfInterrupted(CertificateEvent open) throws SecretStore.Unavailable {
        Instant now = clock.instant();
        Optional<X509Certificate> stored = secrets.read(settings.secret()).map(Pem::certificates)
                .filter(l -> !l.isEmpty()).map(l -> l.get(0));
        CertificateEvent last = state.lastIssued();
        if (stored.isPresent() && (last == null || !Pem.fingerprint(stored.get()).equals(last.sha256()))) {
            X509Certificate leaf = stored.get();
            return open.issued(null, Pem.serial(leaf), leaf.getIssuerX500Principal().getName(),
                    leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(), Pem.fingerprint(leaf), null,
                    "settled after a restart: the secret holds the certificate", now);
        }
        return open.failed(null, "interrupted: Elephant stopped during the attempt", true, now,
                "settled after a restart: the secret does not hold a new certificate", now);
    }

    /** The certificate's history as this instance last read it (complete only on the owner). */
    public CertificateHistory history() {
        return state;
    }
}
