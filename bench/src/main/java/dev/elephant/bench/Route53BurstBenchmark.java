package dev.elephant.bench;

import dev.elephant.events.Topics;
import dev.elephant.sinks.dns.DnsReconciler;
import dev.elephant.sinks.dns.DnsSink;
import dev.elephant.sinks.dns.ZoneReconciliation;
import dev.elephant.sinks.dns.audit.MutationAudit;
import dev.elephant.sinks.dns.plan.DnsPlanner;
import dev.elephant.sinks.dns.plan.OwnershipMark;
import dev.elephant.sinks.dns.provider.OwnershipGate;
import dev.elephant.sinks.dns.ratelimit.RequestBudget;
import dev.elephant.sinks.dns.route53.Route53Budget;
import dev.elephant.sinks.dns.route53.Route53Provider;
import dev.elephant.standins.aws.AwsStandIn;
import dev.elephant.standins.aws.route53.Route53;
import dev.elephant.standins.kafka.EmbeddedKafkaBroker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.Route53Exception;
import software.amazon.awssdk.services.route53.model.RRType;

/**
 * A burst of N desired records reaching the DNS sink at once, written to the Route 53 stand-in under the account's
 * request rate (a bucket of 5 refilled at 5 per second, {@code Throttling} beyond), changes PENDING for the given
 * sync delay. Elephant's sink (its budget 4 requests per second, batches of 250 records each with its mark) until
 * every write's outcome is {@code applied} — which it writes only once its change is INSYNC — then the teardown;
 * beside the seed Lambdas' way in the same run: one {@code ChangeResourceRecordSets} per event, retried when
 * throttled, stopped after 60 s. Prints a table.
 */
public final class Route53BurstBenchmark {

    private static final String DOMAIN = DesiredBurst.DOMAIN;
    private static final Duration CONVERGE_LIMIT = Duration.ofMinutes(10);
    private static final Duration BASELINE_LIMIT = Duration.ofSeconds(60);

    private record Row(String sink, String phase, long requests, long changeRequests, long throttled,
                       long millis, boolean converged) {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        Duration syncDelay = args.length > 1 ? Duration.parse(args[1]) : Duration.ofSeconds(2);
        Route53.Limits limits = new Route53.Limits(5, 5, syncDelay, Duration.ofMillis(100));
        List<Row> rows = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(ScratchDirs.create("elephant-bench"),
                Ports.free(), Ports.free(), Duration.ofSeconds(90))) {
            rows.addAll(elephant(broker.bootstrapServers(), n, limits));
            rows.add(oneCallPerEvent(n, limits));
        }
        print(n, syncDelay, rows);
    }

    private static AwsStandIn standIn(Route53.Limits limits) throws IOException {
        AwsStandIn aws = AwsStandIn.start(new AwsStandIn.Settings("127.0.0.1", 0, "us-east-1", null, null,
                "X-Elephant-Key", "bench", Duration.ofMillis(100), null));
        aws.route53().limits(limits);
        aws.hostedZone(DOMAIN, false);
        return aws;
    }

    private static Route53Client client(AwsStandIn aws, RequestBudget budget) {
        return Route53Client.builder().endpointOverride(aws.endpoint()).region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .overrideConfiguration(o -> {
                    o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(Duration.ofSeconds(15));
                    if (budget != null) {
                        o.addExecutionInterceptor(new Route53Budget(budget));
                    }
                })
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    private static List<Row> elephant(String bootstrap, int n, Route53.Limits limits) throws Exception {
        Topics topics = new Topics("bench-" + UUID.randomUUID().toString().substring(0, 8) + ".");
        Map<String, Object> kafka = Map.of("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(kafka)) {
            List<NewTopic> created = new ArrayList<>();
            for (String t : List.of(topics.dnsDesired(), topics.dnsMutations(), topics.deadLetter())) {
                created.add(new NewTopic(t, 3, (short) 1));
            }
            admin.createTopics(created).all().get();
        }
        List<Row> rows = new ArrayList<>();
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (AwsStandIn aws = standIn(limits);
             Route53Client client = client(aws, RequestBudget.perWindow(4, Duration.ofSeconds(1), w -> { }));
             MutationAudit audit = new MutationAudit(kafka, topics.dnsMutations(), topics.deadLetter(),
                     Duration.ofSeconds(10));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                     "linger.ms", 20), new StringSerializer(), new ByteArraySerializer())) {
            OwnershipMark mark = new OwnershipMark("bench");
            var zone = Route53Provider.findZone(client, null, DOMAIN, false);
            var provider = new OwnershipGate(new Route53Provider(client, zone.id()), mark.text());
            DnsReconciler reconciler = new DnsReconciler(provider, new DnsPlanner(mark, DOMAIN), audit, "bench", 250,
                    Clock.systemUTC(), metrics);
            ZoneReconciliation reconciliation = new ZoneReconciliation(kafka, topics.dnsDesired(),
                    topics.dnsMutations(), provider, mark, audit, reconciler, Clock.systemUTC(), "bench-r53-settled");
            Counter created = metrics.counter("elephant.dns.mutations", "action", "create", "outcome", "applied");
            Counter deleted = metrics.counter("elephant.dns.mutations", "action", "delete", "outcome", "applied");
            try (reconciliation; DnsSink sink = new DnsSink(kafka, "bench-r53-sink", topics.dnsDesired(), reconciler,
                    reconciliation, Duration.ofHours(1), Clock.systemUTC())) {
                sink.start();
                DesiredBurst.await(sink::isCaughtUp, Duration.ofSeconds(60));
                String label = "Elephant, batches of 250";
                rows.add(measure(label, "launch " + n + ", all INSYNC", aws, () -> DesiredBurst.produce(producer, topics.dnsDesired(), n, false),
                        () -> created.count() >= n && aws.route53().allInSync()));
                rows.add(measure(label, "teardown " + n + ", all INSYNC", aws, () -> DesiredBurst.produce(producer, topics.dnsDesired(), n, true),
                        () -> deleted.count() >= n && aws.route53().allInSync()));
            }
        }
        return rows;
    }

    private static Row measure(String sink, String phase, AwsStandIn aws, Runnable burst, BooleanSupplier done)
            throws InterruptedException {
        LongSupplier requests = () -> aws.route53Api().requestCount();
        long before = requests.getAsLong();
        long changes = aws.route53().changeRequests();
        long throttled = aws.route53().throttled();
        long start = System.nanoTime();
        burst.run();
        boolean converged = DesiredBurst.await(done, CONVERGE_LIMIT);
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Row(sink, phase, requests.getAsLong() - before, aws.route53().changeRequests() - changes,
                aws.route53().throttled() - throttled, millis, converged);
    }

    /** The seed Lambdas' way: one change per event, no batching, no client-side limit, retried when throttled. */
    private static Row oneCallPerEvent(int n, Route53.Limits limits) throws IOException, InterruptedException {
        try (AwsStandIn aws = standIn(limits); Route53Client client = client(aws, null)) {
            String zoneId = Route53Provider.findZone(client, null, DOMAIN, false).id();
            long start = System.nanoTime();
            long deadline = start + BASELINE_LIMIT.toNanos();
            int i = 0;
            while (i < n && System.nanoTime() < deadline) {
                String name = DesiredBurst.instanceId(i) + "." + DOMAIN;
                String value = DesiredBurst.address(i);
                try {
                    client.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(c -> c
                            .action(ChangeAction.UPSERT).resourceRecordSet(s -> s.name(name).type(RRType.A).ttl(60L)
                                    .resourceRecords(v -> v.value(value))))));
                    i++;
                } catch (Route53Exception e) {
                    Thread.sleep(100); // Throttling or PriorRequestNotComplete: the same event again, as a retry would
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            return new Row("one call per event", "launch " + n + ": " + i + " written in "
                    + BASELINE_LIMIT.toSeconds() + " s", aws.route53Api().requestCount(),
                    aws.route53().changeRequests(), aws.route53().throttled(), millis, i == n);
        }
    }

    private static void print(int n, Duration syncDelay, List<Row> rows) {
        System.out.printf(Locale.ROOT, "%nRoute 53 burst: %d instances; the stand-in's account allows 5 requests per "
                + "second (bucket of 5), a zone takes a change every 100 ms, changes INSYNC after %d ms%n%n", n,
                syncDelay.toMillis());
        System.out.printf(Locale.ROOT, "| %-26s | %-38s | %8s | %15s | %9s | %9s | %9s |%n", "sink", "phase",
                "requests", "change requests", "throttled", "time (ms)", "converged");
        System.out.println("|----------------------------|----------------------------------------|----------|"
                + "-----------------|-----------|-----------|-----------|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %-26s | %-38s | %8d | %15d | %9d | %9d | %9s |%n", r.sink(), r.phase(),
                    r.requests(), r.changeRequests(), r.throttled(), r.millis(), r.converged() ? "yes" : "no");
        }
    }
}
