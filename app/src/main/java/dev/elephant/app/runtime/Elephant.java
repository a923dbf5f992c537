package dev.elephant.app.runtime;

import dev.elephant.app.http.HttpApi;
import dev.elephant.app.queries.StateQueries;
import dev.elephant.connector.ec2.InstanceLookup;
import dev.elephant.connector.ingest.EventLog;
import dev.elephant.connector.sweep.KnownInstances;
import dev.elephant.sinks.dns.provider.DnsProvider;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Elephant, composed of its capabilities — the Streams runtime, the DNS sink, the meeting links,
 * the connector — behind the public and the operations listeners. Each capability wires itself ({@code start(settings, clock, metrics,
 * closer)}); this class only orders them. Everything registered on the closer is closed in reverse order of
 * start.
 */
public final class Elephant implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Elephant.class);

    private final Closer closer = new Closer();
    private final List<HealthCheck> checks = new ArrayList<>();
    private HttpApi http;
    private HttpApi ops;
    private ConnectorWiring connector;
    private CertificatesWiring certificates;

    private Elephant() {}

    public static Elephant start(ElephantSettings s) throws IOException {
        return start(s, false);
    }

    /**
     * @param replay the topology starts over from the log (after {@code ReplayReset}): the DNS sink waits
     *               until the topology has caught up, so it acts on the final desired state only and
     *               a provider that already matches sees no write
     */
    public static Elephant start(ElephantSettings s, boolean replay) throws IOException {
        Elephant e = new Elephant();
        try {
            e.compose(s, replay, Clock.systemUTC());
            return e;
        } catch (IOException | RuntimeException ex) {
            e.close();
            throw ex;
        }
    }

    private void compose(ElephantSettings s, boolean replay, Clock clock) throws IOException {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        closer.register(metrics::close);
        ensureTopics(s);
        KafkaReachability kafka = closer.register(new KafkaReachability(s.kafka().properties()));
        checks.add(kafka);
        // Both listeners are bound before Kafka Streams starts: it must be told where this instance answers
        // queries (the operations listener), with the real port also when 0 asked for any.
        http = closer.register(HttpApi.bind("public", s.http().host(), s.http().port(), s.http().tlsCertificate(),
                s.http().tlsKey()));
        ops = closer.register(HttpApi.bind("ops", s.ops().host(), s.ops().port(), s.ops().tlsCertificate(),
                s.ops().tlsKey()));
        HostInfo self = new HostInfo(advertisedHost(s.ops()), ops.port());

        StreamsRuntime streams = StreamsRuntime.start(s, metrics, closer, self, replay);
        checks.add(streams);
        Admin lagAdmin = replay ? closer.register(streams.admin()) : null;
        // One provider, one request budget, for every writer of DNS records.
        DnsProvider dns = DnsProviders.unguarded(s, metrics, closer);
        checks.add(DnsSinkWiring.start(s, clock, metrics, closer, replay ? () -> caughtUp(streams, lagAdmin) : null,
                dns));
        checks.add(MeetingLinksWiring.start(s, clock, metrics, closer));
        checks.add(MachinesWiring.start(s, clock, metrics, closer));
        if (s.certificates() != null) {
            certificates = CertificatesWiring.start(s, dns, clock, metrics, closer);
            checks.add(certificates);
        }
        StateQueries queries = new StateQueries(streams::streams, self);
        connector = ConnectorWiring.start(s, clock, metrics, closer, new TableKnownInstances(queries));
        checks.add(connector);

        String selfAddress = self.host() + ":" + self.port();
        ops.serveOps(queries, selfAddress, s.topology(), this::readinessProblems, this::healthProblems, metrics);
        CertificatesWiring certs = certificates;
        ops.serveCertificates(certs == null ? null : certs::status);
        ops.serveRecent(s.kafka().properties(), s.topics().names(), clock);
        ops.serveStatus(OpsStatus.start(metrics, () -> streams.streams().state().toString(), clock, closer)::now);
        checks.add(FailoverWiring.start(s, ops.instanceAddresses(), queries, clock, metrics, closer));
        http.servePublic(connector.eventBridge(), connector.meetings(), connector.failover(), ops,
                this::readinessProblems);
        // Registered last, so closed first: no request reaches a capability that is stopping behind it.
        closer.register(ops::stopTakingRequests);
        closer.register(http::stopTakingRequests);
        bindHealthGauges(metrics);
        log.info("Elephant public API on {}://{}:{}; operations (queries, health, metrics) on {}://{}:{}, advertised "
                        + "to other instances as {} (domain {}, topics {}*)",
                http.isHttps() ? "https" : "http", s.http().host(), http.port(), ops.isHttps() ? "https" : "http",
                s.ops().host(), ops.port(), selfAddress, s.topology().domain(), s.topics().names().prefix());
    }

    /**
     * A replay has caught up once its desired records have: its DNS sink starts, and the topology goes on as a live
     * run does ({@link StreamsRuntime#runLive}, begun here and finished on a thread of its own).
     */
    private static boolean caughtUp(StreamsRuntime streams, Admin admin) {
        try {
            if (!streams.isDnsDesiredCaughtUp(admin)) {
                return false;
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        streams.runLive();
        return true;
    }

    private static void ensureTopics(ElephantSettings s) throws IOException {
        String bootstrap = s.kafka().bootstrapServers();
        try (Admin admin = Admin.create(new HashMap<>(s.kafka().properties()))) {
            TopicSetup.ensure(admin, s.topics().names(), s.topics().partitions(), s.topics().replicationFactor());
        } catch (TimeoutException e) {
            throw new IOException("Kafka at " + bootstrap + " did not answer within 30 s", e);
        } catch (ExecutionException e) {
            throw new IOException("cannot create Elephant's topics on " + bootstrap + ": " + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating topics", e);
        }
    }

    private static String advertisedHost(ElephantSettings.Ops h) {
        if (h.advertisedHost() != null) {
            return h.advertisedHost();
        }
        if (!h.host().equals("0.0.0.0") && !h.host().equals("::")) {
            return h.host();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** Runs the inventory sweep now (it also runs every sweep interval). */
    public int sweepNow() throws InstanceLookup.LookupUnavailable, EventLog.EventLogUnavailable,
            KnownInstances.Unavailable {
        return connector.sweepNow();
    }

    /**
     * Whether this instance can take traffic: its ingest needs Kafka, its queries and {@code join} need Kafka
     * Streams running. Nothing else: a load balancer that checks readiness must not take every instance out
     * because Cloudflare is blocking or the DNS sink is behind, since neither ingest nor {@code join} needs
     * them (those are on {@link #healthProblems()}, for an operator).
     */
    public Map<String, String> readinessProblems() {
        Map<String, String> problems = new LinkedHashMap<>();
        checks.forEach(c -> c.readiness(problems));
        return problems;
    }

    public boolean isReady() {
        return readinessProblems().isEmpty();
    }

    /**
     * Every component's problem, for an operator ({@code GET /v1/health}, the gauge
     * {@code elephant.health.problem}): readiness, and the DNS sink, its lag, the DNS provider, the meeting
     * link follower, callers refused with 401.
     */
    public Map<String, String> healthProblems() {
        Map<String, String> problems = readinessProblems();
        checks.forEach(c -> c.health(problems));
        return problems;
    }

    /** The checks {@link #healthProblems()} may name, each a gauge: 1 while it has a problem. */
    private static final List<String> HEALTH_CHECKS = List.of("kafka", "streams", "dnsSink", "dnsProvider",
            "meetingLinks", "ingestAuth", "certificates", "failover");

    private void bindHealthGauges(PrometheusMeterRegistry metrics) {
        for (String check : HEALTH_CHECKS) {
            metrics.gauge("elephant.health.problem", Tags.of("check", check), this,
                    e -> e.healthProblems().containsKey(check) ? 1 : 0);
        }
    }

    public int httpPort() {
        return http.port();
    }

    /** The operations listener's port (queries, health, metrics). */
    public int opsPort() {
        return ops.port();
    }

    @Override
    public void close() {
        if (closer.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        closer.close();
        log.info("Elephant stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
    }
}
