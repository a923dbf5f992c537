package dev.elephant.app.runtime;

import dev.elephant.app.http.HttpApi;
import dev.elephant.app.queries.StateQueries;
import dev.elephant.connector.ec2.CoalescingInstanceLookup;
import dev.elephant.connector.ec2.InstanceLookup;
import dev.elephant.connector.ec2.InventorySweep;
import dev.elephant.connector.ec2.SdkInstanceLookup;
import dev.elephant.connector.ec2.WrittenInstances;
import dev.elephant.connector.ecs.EcsTagSource;
import dev.elephant.connector.ecs.SdkTaskTags;
import dev.elephant.connector.ecs.TaskTags;
import dev.elephant.connector.ingest.DeadLetters;
import dev.elephant.connector.ingest.EventBridgeIngest;
import dev.elephant.connector.ingest.EventLog;
import dev.elephant.connector.ingest.IngestAuth;
import dev.elephant.connector.ingest.IngestHandler;
import dev.elephant.connector.ingest.KafkaEventLog;
import dev.elephant.connector.ingest.RefusedCallers;
import dev.elephant.connector.meetings.MeetingIngest;
import dev.elephant.sinks.dns.DnsReconciler;
import dev.elephant.sinks.dns.DnsSink;
import dev.elephant.sinks.dns.ZoneReconciliation;
import dev.elephant.sinks.dns.audit.MutationAudit;
import dev.elephant.sinks.dns.cloudflare.CloudflareProvider;
import dev.elephant.sinks.dns.plan.DnsPlanner;
import dev.elephant.sinks.dns.plan.OwnershipMark;
import dev.elephant.sinks.dns.provider.HealthTrackingProvider;
import dev.elephant.sinks.dns.ratelimit.RequestBudget;
import dev.elephant.sinks.links.EventBridgeLinkPublisher;
import dev.elephant.sinks.links.MeetingLinkPublisher;
import dev.elephant.sinks.links.MeetingReadyFollower;
import dev.elephant.topology.ElephantTopology;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * One running Elephant: the connector behind the HTTP API, the topology on Kafka Streams, and the DNS
 * sink on its own consumer. Everything it starts, it closes, in reverse order.
 */
public final class Elephant implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Elephant.class);
    /** Under EventBridge's 5 s timeout, with room for the lookup before it. */
    private static final Duration WRITE_TIMEOUT = Duration.ofMillis(3_500);

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private KafkaStreams streams;
    private DnsSink sink;
    private MeetingReadyFollower links;
    private HttpApi http;
    private PrometheusMeterRegistry metrics;
    private InventorySweep sweep;
    private HealthTrackingProvider providerHealth;
    private boolean replay;
    private KafkaReachability kafkaCheck;
    private Duration sinkLagBound;
    private RefusedCallers refusedCallers;

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
        e.replay = replay;
        try {
            e.startAll(s);
            return e;
        } catch (IOException | RuntimeException ex) {
            e.close();
            throw ex;
        }
    }

    private void startAll(ElephantSettings s) throws IOException {
        sinkLagBound = s.sinkLagBound();
        metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        resources.push(metrics::close);
        try (Admin admin = Admin.create(new HashMap<>(s.kafka()))) {
            TopicSetup.ensure(admin, s.topics(), s.partitions(), s.replicationFactor());
        } catch (TimeoutException e) {
            throw new IOException("Kafka at " + s.kafka().get("bootstrap.servers") + " did not answer within 30 s", e);
        } catch (ExecutionException e) {
            throw new IOException("cannot create Elephant's topics on " + s.kafka().get("bootstrap.servers") + ": "
                    + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating topics", e);
        }

        kafkaCheck = new KafkaReachability(s.kafka());
        resources.push(kafkaCheck);
        http = HttpApi.bind(s.httpHost(), s.httpPort(), s.tlsCertificate(), s.tlsKey());
        resources.push(http);
        HostInfo self = new HostInfo(advertisedHost(s), http.port());
        streams = new KafkaStreams(ElephantTopology.build(s.topology()), streamsProperties(s, self));
        // Leave the group on close, so a restart is assigned its partitions at once instead of after the
        // old member's session times out.
        resources.push(() -> streams.close(CloseOptions.groupMembershipOperation(
                CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(10))));
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(metrics);
        resources.push(streamsMetrics::close);
        // A broker that comes back can briefly report Elephant's topics missing (INCOMPLETE_SOURCE_TOPIC_METADATA);
        // left to the default, that ends the whole client. A fresh stream thread rejoins and carries on.
        streams.setUncaughtExceptionHandler(e -> {
            log.error("a stream thread failed; replacing it: {}", e.toString());
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();

        MutationAudit audit = new MutationAudit(s.kafka(), s.topics().dnsMutations(), s.topics().deadLetter(),
                Duration.ofSeconds(10));
        resources.push(audit);
        Timer rateLimitWait = metrics.timer("elephant.provider.ratelimit.wait", "provider", "cloudflare");
        RequestBudget budget = RequestBudget.perWindow(s.cloudflareRequestsPer5Minutes(), Duration.ofMinutes(5),
                rateLimitWait::record);
        OwnershipMark mark = new OwnershipMark(s.ownerId());
        HealthTrackingProvider provider = new HealthTrackingProvider(new CloudflareProvider(s.cloudflareApiBaseUrl(),
                s.cloudflareZoneId(), s.cloudflareToken(), CloudflareProvider.DEFAULT_PAGE_SIZE, budget,
                s.cloudflareOwnershipTags() ? mark.tags() : List.of()), Clock.systemUTC());
        providerHealth = provider;
        DnsPlanner planner = new DnsPlanner(mark, s.topology().domain());
        DnsReconciler reconciler = new DnsReconciler(provider, planner, audit, s.ownerId(), s.cloudflareMaxBatch(),
                Clock.systemUTC(), metrics, s.dnsDryRun());
        if (s.dnsDryRun()) {
            log.warn("DNS dry run: writes are planned and audited as dry-run on {}, none is sent to the provider",
                    s.topics().dnsMutations());
        }
        ZoneReconciliation zone = new ZoneReconciliation(s.kafka(), s.topics().dnsDesired(), s.topics().dnsMutations(),
                provider, mark, audit, reconciler, Clock.systemUTC(), s.applicationId() + "-dns-settled");
        resources.push(zone);
        sink = new DnsSink(s.kafka(), s.applicationId() + "-dns-sink", s.topics().dnsDesired(), reconciler, zone,
                s.reconcileInterval(), Clock.systemUTC());
        resources.push(sink);
        sink.bindMetrics(metrics);
        if (replay) {
            Thread waiter = new Thread(() -> startSinkOnceCaughtUp(s), "elephant-replay");
            waiter.setDaemon(true);
            waiter.start();
        } else {
            sink.start();
        }

        MeetingLinkPublisher linkPublisher = null;
        if (s.meetingLinksEventBus() != null) {
            EventBridgeClient eventBridge = aws(EventBridgeClient.builder(), s, Duration.ofSeconds(5));
            resources.push(eventBridge);
            linkPublisher = new EventBridgeLinkPublisher(eventBridge, s.meetingLinksEventBus(), s.meetingLinksSource());
        }
        links = new MeetingReadyFollower(s.kafka(), s.applicationId() + "-meeting-links", s.topics().meetingReady(),
                linkPublisher, metrics, Clock.systemUTC());
        resources.push(links);
        links.start();

        Ec2Client ec2 = aws(Ec2Client.builder(), s, Duration.ofMillis(1_200));
        resources.push(ec2);
        KafkaEventLog eventLog = new KafkaEventLog(s.kafka());
        resources.push(eventLog);
        DeadLetters deadLetters = new DeadLetters(eventLog, s.topics().deadLetter(), Clock.systemUTC(), WRITE_TIMEOUT);
        CoalescingInstanceLookup lookup = new CoalescingInstanceLookup(new SdkInstanceLookup(ec2));
        resources.push(lookup);
        WrittenInstances written = new WrittenInstances();
        TaskTags taskTags = null;
        if (s.ecsTagSource() == EcsTagSource.TASK) {
            EcsClient ecs = aws(EcsClient.builder(), s, Duration.ofMillis(1_200));
            resources.push(ecs);
            taskTags = new SdkTaskTags(ecs);
        }
        EventBridgeIngest ingest = new EventBridgeIngest(lookup, taskTags, s.projectFilter(), eventLog, deadLetters,
                s.topics(), WRITE_TIMEOUT, metrics, written, Clock.systemUTC());
        sweep = new InventorySweep(lookup, s.projectFilter(), written, eventLog, s.topics(), Clock.systemUTC(),
                WRITE_TIMEOUT, metrics);
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "elephant-inventory-sweep");
            t.setDaemon(true);
            return t;
        });
        resources.push(sweeper::shutdownNow);
        long every = s.sweepInterval().toMillis();
        sweeper.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
        MeetingIngest meetings = new MeetingIngest(eventLog, deadLetters, s.topics(), Clock.systemUTC(), WRITE_TIMEOUT,
                metrics);
        refusedCallers = new RefusedCallers(Clock.systemUTC(), metrics);
        IngestAuth auth = IngestAuth.apiKey(s.ingestKeyHeader(), s.ingestKey());
        if (s.ingestBasicUser() != null) {
            auth = auth.orBasic(s.ingestBasicUser(), s.ingestBasicPassword());
        }
        http.serve(new IngestHandler(auth, ingest::ingest, deadLetters, EventBridgeIngest.SOURCE, refusedCallers),
                new IngestHandler(auth, meetings::ingest, deadLetters, MeetingIngest.SOURCE, refusedCallers),
                new StateQueries(streams, self), self.host() + ":" + self.port(), s.topology(), this::readinessProblems,
                this::healthProblems, metrics);
        bindHealthGauges();
        resources.push(http); // again: on close, stop taking requests before anything behind them stops
        log.info("Elephant HTTP API on {}://{}:{}, advertised to other instances as {}:{} (domain {}, topics {}*)",
                http.isHttps() ? "https" : "http", s.httpHost(), http.port(), self.host(), self.port(),
                s.topology().domain(), s.topics().prefix());
    }

    private static Properties streamsProperties(ElephantSettings s, HostInfo self) {
        Properties p = StreamsProperties.of(s.kafka(), s.applicationId(), s.stateDir(), s.replicationFactor(),
                s.topics().deadLetter());
        // Where this instance answers queries: Streams then knows which instance holds each key.
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        return p;
    }

    private static String advertisedHost(ElephantSettings s) {
        if (s.httpAdvertisedHost() != null) {
            return s.httpAdvertisedHost();
        }
        String bindHost = s.httpHost();
        if (!bindHost.equals("0.0.0.0") && !bindHost.equals("::")) {
            return bindHost;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    /** An AWS SDK client for the configured region and endpoint, with a bound on every call. */
    private static <C, B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>> C aws(B builder,
            ElephantSettings s, Duration callTimeout) {
        builder.region(Region.of(s.awsRegion()))
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(1)))
                .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(callTimeout).build());
        if (s.awsEndpoint() != null) {
            builder.endpointOverride(s.awsEndpoint());
        }
        builder.credentialsProvider(s.localAws()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create("elephant-local", "elephant-local"))
                : DefaultCredentialsProvider.builder().build());
        return builder.build();
    }

    private void startSinkOnceCaughtUp(ElephantSettings s) {
        int caughtUpChecks = 0;
        try (Admin admin = Admin.create(new HashMap<>(s.kafka()))) {
            while (caughtUpChecks < 2) {
                Thread.sleep(500);
                caughtUpChecks = streams.state() == KafkaStreams.State.RUNNING
                        && TopologyLag.isCaughtUp(admin, s.applicationId(), List.of(s.topics().instanceEvents(),
                        s.topics().meetingEvents(), s.topics().dnsMutations())) ? caughtUpChecks + 1 : 0;
            }
            log.info("replay: the topology caught up with the log; starting the DNS sink");
            sink.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.error("replay: cannot tell whether the topology caught up: {}", e.toString());
        }
    }

    private void sweepQuietly() {
        try {
            sweep.sweepOnce();
        } catch (InstanceLookup.LookupUnavailable | EventLog.EventLogUnavailable e) {
            log.warn("inventory sweep skipped: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.error("inventory sweep failed: {}", e.toString(), e);
        }
    }

    /** Runs the inventory sweep now (it also runs every sweep interval). */
    public int sweepNow() throws InstanceLookup.LookupUnavailable, EventLog.EventLogUnavailable {
        return sweep.sweepOnce();
    }

    /** How long the DNS provider may fail before Elephant reports itself not ready. */
    static final Duration PROVIDER_GRACE = Duration.ofSeconds(60);

    /**
     * Whether this instance can take traffic: its ingest needs Kafka, its queries and {@code join} need Kafka
     * Streams running. Nothing else: a load balancer that checks readiness must not take every instance out
     * because Cloudflare is blocking or the DNS sink is behind, since neither ingest nor {@code join} needs
     * them (those are on {@link #healthProblems()}, for an operator).
     */
    public Map<String, String> readinessProblems() {
        Map<String, String> problems = new LinkedHashMap<>();
        if (streams == null || streams.state() != KafkaStreams.State.RUNNING) {
            problems.put("streams", streams == null ? "not started" : streams.state().toString());
        }
        if (kafkaCheck != null) {
            kafkaCheck.problem().ifPresent(p -> problems.put("kafka", p));
        }
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
        if (sink == null || !sink.isAlive()) {
            problems.put("dnsSink", "not running");
        } else {
            sink.behindLongerThan(sinkLagBound).ifPresent(p -> problems.put("dnsSink", p));
        }
        if (links == null || !links.isAlive()) {
            problems.put("meetingLinks", "not running");
        }
        if (providerHealth != null) {
            providerHealth.problem(PROVIDER_GRACE).ifPresent(p -> problems.put("dnsProvider", p));
        }
        if (refusedCallers != null) {
            refusedCallers.problem().ifPresent(p -> problems.put("ingestAuth", p));
        }
        return problems;
    }

    /** The checks {@link #healthProblems()} may name, each a gauge: 1 while it has a problem. */
    private static final List<String> HEALTH_CHECKS = List.of("kafka", "streams", "dnsSink", "dnsProvider",
            "meetingLinks", "ingestAuth");

    private void bindHealthGauges() {
        for (String check : HEALTH_CHECKS) {
            metrics.gauge("elephant.health.problem", Tags.of("check", check), this,
                    e -> e.healthProblems().containsKey(check) ? 1 : 0);
        }
    }

    public int httpPort() {
        return http.port();
    }

    @Override
    public void close() {
        if (resources.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                log.warn("while stopping: {}", e.toString());
            }
        }
        log.info("Elephant stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
    }
}
