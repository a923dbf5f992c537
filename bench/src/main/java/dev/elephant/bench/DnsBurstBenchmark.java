package dev.elephant.bench;

import dev.elephant.events.Secret;
import dev.elephant.events.Topics;
import dev.elephant.sinks.dns.DnsReconciler;
import dev.elephant.sinks.dns.DnsSink;
import dev.elephant.sinks.dns.ZoneReconciliation;
import dev.elephant.sinks.dns.audit.MutationAudit;
import dev.elephant.sinks.dns.cloudflare.CloudflareProvider;
import dev.elephant.sinks.dns.plan.DnsPlanner;
import dev.elephant.sinks.dns.plan.OwnershipMark;
import dev.elephant.sinks.dns.ratelimit.RequestBudget;
import dev.elephant.standins.cloudflare.CloudflareStandIn;
import dev.elephant.standins.kafka.EmbeddedKafkaBroker;
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
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A burst of launches reaching the DNS sink at once: N desired records produced to {@code dns-desired}
 * on a real broker, against the Cloudflare stand-in enforcing the real rate limit (1,200 requests per
 * 5 minutes) and a paid plan's zone (3,500 records). Elephant's sink with Free-plan batches (200) and
 * paid-plan batches (3,500), then the teardown of the same burst, beside a sink that makes one call
 * per event as the seed Lambdas do. Prints a table.
 */
public final class DnsBurstBenchmark {

    private static final String ZONE = "5f1e3a9c0d7b42e8a6c1b0f9e2d4a7c3";
    private static final String TOKEN = "bench-token";
    private static final Duration CONVERGE_LIMIT = Duration.ofMinutes(5);
    private static final Duration BASELINE_LIMIT = Duration.ofSeconds(60);

    private record Row(String sink, String phase, int changes, long requests, long writeRequests, long rejected429,
                       long millis, boolean converged) {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        List<Row> rows = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(ScratchDirs.create("elephant-bench"),
                Ports.free(), Ports.free(), Duration.ofSeconds(90))) {
            for (int batch : new int[] {200, 3500}) {
                rows.addAll(elephant(broker.bootstrapServers(), n, batch));
            }
            rows.add(oneCallPerEvent(n));
        }
        print(n, rows);
    }

    private static List<Row> elephant(String bootstrap, int n, int batch) throws Exception {
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
        try (CloudflareStandIn cf = CloudflareStandIn.start(CloudflareStandIn.Settings.paidPlan("127.0.0.1", 0, 0,
                ZONE, "elephant.test", TOKEN, null));
             MutationAudit audit = new MutationAudit(kafka, topics.dnsMutations(), topics.deadLetter(),
                     Duration.ofSeconds(10));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                     "linger.ms", 20), new StringSerializer(), new ByteArraySerializer())) {
            OwnershipMark mark = new OwnershipMark("bench");
            RequestBudget budget = RequestBudget.perWindow(1000, Duration.ofMinutes(5), w -> { });
            CloudflareProvider provider = new CloudflareProvider(cf.apiBaseUrl(), ZONE, Secret.of(TOKEN), 1000, budget);
            DnsPlanner planner = new DnsPlanner(mark, "elephant.test");
            DnsReconciler reconciler = new DnsReconciler(provider, planner, audit, "bench", batch, Clock.systemUTC(),
                    new SimpleMeterRegistry());
            ZoneReconciliation zone = new ZoneReconciliation(kafka, topics.dnsDesired(), topics.dnsMutations(),
                    provider, mark, audit, reconciler, Clock.systemUTC(), "bench-settled-" + batch);
            try (zone; DnsSink sink = new DnsSink(kafka, "bench-sink-" + batch, topics.dnsDesired(), reconciler, zone,
                    Duration.ofHours(1), Clock.systemUTC())) {
                sink.start();
                DesiredBurst.await(sink::isCaughtUp, Duration.ofSeconds(60));
                String label = "Elephant, batches of " + batch;
                rows.add(measure(label, "launch " + n, n, cf, () -> DesiredBurst.produce(producer, topics.dnsDesired(), n, false),
                        () -> cf.records().size() == n));
                rows.add(measure(label, "teardown " + n, n, cf, () -> DesiredBurst.produce(producer, topics.dnsDesired(), n, true),
                        () -> cf.records().isEmpty()));
            }
        }
        return rows;
    }

    private static Row measure(String sink, String phase, int n, CloudflareStandIn cf, Runnable burst,
                               BooleanSupplier done) throws InterruptedException {
        long requests = cf.requestCount();
        long writes = cf.writeRequestCount();
        long limited = cf.requestsAnswered(429);
        long start = System.nanoTime();
        burst.run();
        boolean converged = DesiredBurst.await(done, CONVERGE_LIMIT);
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Row(sink, phase, n, cf.requestCount() - requests, cf.writeRequestCount() - writes,
                cf.requestsAnswered(429) - limited, millis, converged);
    }

    /** The seed Lambdas' way: one create call per event, no batching, no client-side limit. */
    private static Row oneCallPerEvent(int n) throws IOException, InterruptedException {
        try (CloudflareStandIn cf = CloudflareStandIn.start(CloudflareStandIn.Settings.paidPlan("127.0.0.1", 0, 0,
                ZONE, "elephant.test", TOKEN, null))) {
            OkHttpClient http = new OkHttpClient();
            long start = System.nanoTime();
            long deadline = start + BASELINE_LIMIT.toNanos();
            int i = 0;
            while (i < n && System.nanoTime() < deadline) {
                String body = "{\"type\":\"A\",\"name\":\"" + DesiredBurst.instanceId(i) + ".elephant.test\",\"content\":\""
                        + DesiredBurst.address(i) + "\",\"ttl\":60}";
                Request request = new Request.Builder().url(cf.apiBaseUrl() + "/zones/" + ZONE + "/dns_records")
                        .header("Authorization", "Bearer " + TOKEN)
                        .post(RequestBody.create(body, MediaType.get("application/json"))).build();
                try (Response response = http.newCall(request).execute()) {
                    if (response.code() == 200) {
                        i++;
                    } else {
                        Thread.sleep(100); // retry the same event, as a Lambda retried by its trigger would
                    }
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            return new Row("one call per event", "launch " + n + " (stopped after " + BASELINE_LIMIT.toSeconds() + " s)",
                    n, cf.requestCount(), cf.writeRequestCount(), cf.requestsAnswered(429), millis,
                    cf.records().size() == n);
        }
    }

    private static void print(int n, List<Row> rows) {
        System.out.printf(Locale.ROOT, "%nDNS burst: %d instances, Cloudflare stand-in with a paid zone (3,500 records),"
                + " rate limit 1,200 requests / 5 min%n%n", n);
        System.out.printf(Locale.ROOT, "| %-28s | %-32s | %8s | %13s | %5s | %9s | %9s |%n", "sink", "phase",
                "requests", "write requests", "429s", "time (ms)", "converged");
        System.out.println("|------------------------------|----------------------------------|----------|"
                + "----------------|-------|-----------|-----------|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %-28s | %-32s | %8d | %14d | %5d | %9d | %9s |%n", r.sink(), r.phase(),
                    r.requests(), r.writeRequests(), r.rejected429(), r.millis(), r.converged() ? "yes" : "no");
        }
    }
}
