package dev.elephant.app.runtime;

import dev.elephant.sinks.LatestRecords;
import dev.elephant.sinks.TopicSnapshot;
import dev.elephant.sinks.dns.DnsReconciler;
import dev.elephant.sinks.dns.DnsSink;
import dev.elephant.sinks.dns.ZoneReconciliation;
import dev.elephant.sinks.dns.audit.MutationAudit;
import dev.elephant.sinks.dns.plan.DnsPlanner;
import dev.elephant.sinks.dns.plan.OwnershipMark;
import dev.elephant.sinks.dns.provider.DnsProvider;
import dev.elephant.sinks.dns.provider.HealthTrackingProvider;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The DNS sink: the audit, the provider with its decorators, the planner, the reconciler, the consumer loop. */
final class DnsSinkWiring implements HealthCheck {

    private static final Logger log = LoggerFactory.getLogger(DnsSinkWiring.class);
    /** How long the DNS provider may fail (as retryable) before health names it. */
    static final Duration PROVIDER_GRACE = Duration.ofSeconds(60);
    private static final Duration AUDIT_ACK_TIMEOUT = Duration.ofSeconds(10);
    /** How often a replay asks whether the topology has caught up before it starts the DNS sink. */
    private static final Duration CAUGHT_UP_CHECK = Duration.ofMillis(100);
    /** How long a replay's start may wait to learn dns-desired's partitions (the topic exists by then). */
    private static final Duration READ_AHEAD_START = Duration.ofSeconds(30);

    private final DnsSink sink;
    private final HealthTrackingProvider provider;
    private final Duration lagBound;

    private DnsSinkWiring(DnsSink sink, HealthTrackingProvider provider, Duration lagBound) {
        this.sink = sink;
        this.provider = provider;
        this.lagBound = lagBound;
    }

    /**
     * @param caughtUp null to start the sink now; else the sink starts once it says the topology has caught up
     *                 with the log (a replay: the sink then acts on the final desired state only)
     */
    static DnsSinkWiring start(ElephantSettings s, Clock clock, MeterRegistry metrics, Closer closer,
                               BooleanSupplier caughtUp, DnsProvider unguarded) {
        var topics = s.topics().names();
        MutationAudit audit = closer.register(new MutationAudit(s.kafka().properties(), topics.dnsMutations(),
                topics.deadLetter(), AUDIT_ACK_TIMEOUT));
        OwnershipMark mark = new OwnershipMark(s.ownerId());
        HealthTrackingProvider provider = DnsProviders.gated(unguarded, mark.text(), clock);
        DnsReconciler reconciler = new DnsReconciler(provider, new DnsPlanner(mark, s.topology().domain()), audit,
                s.ownerId(), s.dnsMaxBatch(), clock, metrics, s.dns().dryRun());
        if (s.dns().dryRun()) {
            log.warn("DNS dry run: writes are planned and audited as dry-run on {}, none is sent to the provider",
                    topics.dnsMutations());
        }
        ZoneReconciliation zone = closer.register(new ZoneReconciliation(s.kafka().properties(), topics.dnsDesired(),
                topics.dnsMutations(), provider, mark, audit, reconciler, clock, s.applicationId() + "-dns-settled"));
        DnsSink sink = closer.register(new DnsSink(s.kafka().properties(), s.applicationId() + "-dns-sink",
                topics.dnsDesired(), reconciler, zone, s.dns().reconcileInterval(), clock));
        sink.bindMetrics(metrics);
        Gauge.builder("elephant.dns.sink.lag", sink, DnsSink::lagRecords)
                .description("desired records not yet applied to the provider").register(metrics);
        Gauge.builder("elephant.dns.intents.open", audit, MutationAudit::openIntents)
                .description("DNS writes announced on dns-mutations whose outcome is not written yet").register(metrics);
        Gauge.builder("elephant.dns.reconciliation.age", zone, z -> z.lastRun() == null ? Double.NaN
                        : java.time.Duration.between(z.lastRun(), clock.instant()).toSeconds())
                .description("seconds since the last comparison of the whole zone with the desired state")
                .baseUnit("seconds").register(metrics);
        Gauge.builder("elephant.dns.reconciliation.repaired", zone, ZoneReconciliation::lastRepaired)
                .description("names the last zone reconciliation repaired").register(metrics);
        if (caughtUp == null) {
            sink.start();
        } else {
            // The reconciliation at the sink's start reads dns-desired whole; it is read meanwhile, so that at the end
            // only what the topology wrote since is left to read.
            LatestRecords ahead = closer.register(LatestRecords.follow(s.kafka().properties(),
                    TopicSnapshot.partitionsOf(s.kafka().properties(), topics.dnsDesired(), READ_AHEAD_START)));
            Thread waiter = new Thread(() -> startOnceCaughtUp(sink, caughtUp, zone, ahead), "elephant-replay");
            waiter.setDaemon(true);
            waiter.start();
        }
        return new DnsSinkWiring(sink, provider, s.dns().readyLagBound());
    }

    /**
     * One check that finds the topology caught up is enough: it reads the committed offsets before the ends, and
     * with exactly-once an input's offsets are committed in the transaction that writes what they caused to the
     * repartition topics. So an input found caught up had everything it caused already written when its offsets
     * were read, and a repartition topic whose committed offset reaches its end, read later, had all that
     * processed too. Checks come every 100 ms: the wait after the topology's last commit is a tenth of a second, not
     * the second two checks half a second apart cost. (A replay's topology commits once a second until this finds it
     * caught up, and the commit after its last record comes up to that second after it.)
     */
    private static void startOnceCaughtUp(DnsSink sink, BooleanSupplier caughtUp, ZoneReconciliation zone,
                                          LatestRecords ahead) {
        try {
            do {
                Thread.sleep(CAUGHT_UP_CHECK.toMillis());
            } while (!caughtUp.getAsBoolean());
            LatestRecords.Read read = ahead.stop();
            if (read != null) {
                zone.startFrom(read);
            }
            log.info("replay: the topology caught up with the log; starting the DNS sink");
            sink.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("replay: cannot tell whether the topology caught up: {}", e.toString());
        }
    }

    @Override
    public void health(Map<String, String> problems) {
        if (!sink.isAlive()) {
            problems.put("dnsSink", "not running");
        } else {
            sink.behindLongerThan(lagBound).ifPresent(p -> problems.put("dnsSink", p));
        }
        provider.problem(PROVIDER_GRACE).ifPresent(p -> problems.put("dnsProvider", p));
    }
}
