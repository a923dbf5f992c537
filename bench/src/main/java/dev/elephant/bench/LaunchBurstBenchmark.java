package dev.elephant.bench;

import dev.elephant.app.dev.DevStack;
import dev.elephant.app.runtime.ElephantSettings;
import dev.elephant.standins.aws.Ec2RequestLimits;
import dev.elephant.topology.common.MachinePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * "Class starts at ten", launched by Elephant: {@code meetings} meetings of two roles, all starting in the same
 * second and scheduled with {@code launch}, on the whole dev stack (embedded broker, EC2 and Cloudflare stand-ins with
 * their limits: RunInstances' resource bucket, Route 53's request rate and change batches). Measures from the moment
 * the launches are due (start − lead) to each meeting being ready (its links on {@code meeting-ready}), the EC2 calls
 * made and the throttling met. Prints a table.
 *
 * <p>{@code bench/run launch-burst [meetings] [bucket] [refill]}: RunInstances' resource bucket is EC2's default
 * (1,000 instances, 2 per second) unless given (an account can have it raised).
 */
public final class LaunchBurstBenchmark {

    private static final String KEY = "bench-launch-key";
    private static final Duration LEAD = Duration.ofSeconds(30);

    public static void main(String[] args) throws Exception {
        int meetings = args.length > 0 ? Integer.parseInt(args[0]) : 1_500;
        int bucket = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        double refill = args.length > 2 ? Double.parseDouble(args[2]) : 2;
        int requestBucket = args.length > 3 ? Integer.parseInt(args[3]) : ElephantSettings.Launch.DEFAULT_REQUEST_BUCKET;
        double requestRefill = args.length > 4 ? Double.parseDouble(args[4])
                : ElephantSettings.Launch.DEFAULT_REQUEST_REFILL_PER_SECOND;
        DevStack.Options options = BenchStack.options("launch", KEY)
                // Route 53: a Free Cloudflare zone holds 200 records, far from a class of 3,000.
                .withProvider(ElephantSettings.DnsProviderKind.ROUTE53)
                .withMachines(MachinePolicy.defaults().withLead(LEAD).withReapAfter(null))
                // The cost guard above the class's 3,000 instances: the limit measured is EC2's, not Elephant's.
                // Elephant told the account's bucket, as an operator with a raised limit would tell it.
                .withLaunch(ElephantSettings.Launch.defaults().withMaxRunning(2 * meetings + 100)
                        .withLaunchBuckets(bucket, refill, requestBucket, requestRefill))
                // EC2's documented request buckets, RunInstances' as given (the account's, and Elephant told it).
                .withEc2RequestLimits(Ec2RequestLimits.documented().withAction("RunInstances",
                        new Ec2RequestLimits.Bucket(requestBucket, requestRefill)));
        try (DevStack stack = DevStack.start(options)) {
            stack.aws().launchResources(bucket, refill);
            Instant startsAt = Instant.now().plus(LEAD).plusSeconds(20).truncatedTo(ChronoUnit.SECONDS);
            Instant due = startsAt.minus(LEAD);
            schedule(stack.apiUrl(), meetings, startsAt);
            System.out.printf("%d meetings scheduled; launches due at %s (in %d s)%n", meetings, due,
                    Duration.between(Instant.now(), due).toSeconds());
            Map<String, Instant> ready = awaitReady(stack.bootstrapServers(), meetings, due.plus(Duration.ofMinutes(30)));
            List<Long> millis = new ArrayList<>();
            ready.values().forEach(t -> millis.add(Math.max(0, Duration.between(due, t).toMillis())));
            Collections.sort(millis);
            long runCalls = stack.aws().ec2Calls("RunInstances");
            long throttled = stack.aws().ec2Throttled("RunInstances");
            long route53 = stack.aws().route53Api().calls("ChangeResourceRecordSets");
            // Every Route 53 request (changes, GetChange until INSYNC, listings): Elephant's budget is 4 a second.
            long route53Requests = stack.aws().route53Api().requestCount();
            System.out.println();
            System.out.printf("Class starts at ten, launched by Elephant: %d meetings × 2 roles, RunInstances resource "
                    + "bucket %d + %.1f/s, request bucket %d + %.1f/s, launch.concurrency 8, ticks every 5 s%n", meetings,
                    bucket, refill, requestBucket, requestRefill);
            System.out.println("| meetings | ready | due → first ready | p50 | p99 | max (last ready) | RunInstances calls "
                    + "| throttled | instances | Route 53 change batches | Route 53 requests |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            System.out.printf("| %d | %d | %.1f s | %.1f s | %.1f s | %.1f s | %d | %d | %d | %d | %d |%n", meetings,
                    ready.size(), sec(millis, 0), sec(millis, 0.5), sec(millis, 0.99), sec(millis, 1.0), runCalls,
                    throttled, stack.aws().instances().size(), route53, route53Requests);
        }
    }

    private static double sec(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = q >= 1 ? sorted.size() - 1 : (int) Math.floor(q * (sorted.size() - 1));
        return sorted.get(i) / 1000.0;
    }

    private static void schedule(URI api, int meetings, Instant startsAt) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Integer>> posts = new ArrayList<>();
        for (int m = 0; m < meetings; m++) {
            String body = """
                    {"type":"scheduled","meetingId":"class-%d","roles":["teacher","student"],"startsAt":"%s",
                     "endsAt":"%s","launch":{"imageId":"ami-0abc1234def567890","instanceType":"t3.large"}}"""
                    .formatted(m, startsAt, startsAt.plus(Duration.ofHours(1)));
            posts.add(pool.submit(() -> http.send(HttpRequest.newBuilder(api.resolve("/v1/meetings"))
                    .header("X-Elephant-Key", KEY).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()));
        }
        for (Future<Integer> p : posts) {
            if (p.get() != 202) {
                throw new IllegalStateException("a meeting was refused: " + p.get());
            }
        }
        pool.shutdown();
    }

    /** When each meeting's links first appeared on meeting-ready, as a subscriber sees it. */
    private static Map<String, Instant> awaitReady(String bootstrap, int meetings, Instant deadline) {
        Map<String, Instant> ready = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-launch-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("elephant.meeting-ready"));
            int lastReported = 0;
            while (ready.size() < meetings && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        ready.putIfAbsent(r.key(), Instant.now());
                    }
                }
                if (ready.size() / 250 > lastReported / 250) {
                    System.out.printf("  %s: %d meetings ready%n", Instant.now(), ready.size());
                }
                lastReported = ready.size();
            }
        }
        return ready;
    }
}
