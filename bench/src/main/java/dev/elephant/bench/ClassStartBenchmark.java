package dev.elephant.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elephant.app.dev.DevStack;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.events.Json;
import dev.elephant.standins.aws.AwsStandIn;
import dev.elephant.standins.aws.Ec2RequestLimits;
import dev.elephant.standins.cloudflare.CloudflareStandIn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * "Class starts at ten" under the clouds' documented limits: {@code meetings} meetings of two roles, their instances
 * launched by the benchmark (one RunInstances each, spread evenly over {@code spread}) and reaching {@code running} a
 * second later; EventBridge delivers each state change (64 at once, retried with backoff on 429, 5xx and timeouts).
 * The EC2 stand-in throttles as EC2 documents (Describe* 100 refilled at 20 a second, …; RunInstances' buckets raised:
 * the launches are the benchmark's, not what is measured), the Cloudflare stand-in's zone is a paid one (3,500 records)
 * limited to 1,200 requests per 5 minutes, then blocked for 5.
 *
 * <p>First Elephant (the whole dev stack); then, in the same run, on fresh stand-ins under the same limits, the seed
 * design: an endpoint that for each event calls {@code DescribeInstances} by the instance's id and, when it runs,
 * creates its record with one Cloudflare call, answering 503 (EventBridge retries) when either fails; a meeting is
 * ready when both its records exist. The seed is stopped {@code baselineCap} after its last instance ran.
 *
 * <p>{@code bench/run class-start [meetings] [spread] [baselineCap]}: 1500, PT60S, PT5M by default.
 */
public final class ClassStartBenchmark {

    private static final String KEY = "bench-class-key";
    private static final String[] ROLES = {"teacher", "student"};
    private static final int DELIVERIES_AT_ONCE = 64;

    /** What a phase measured. */
    private record Phase(String name, Map<String, Instant> running, Map<String, Instant> recorded,
                         Map<String, Instant> ready, long describeCalls, long describeThrottled, long providerRequests,
                         long provider429s, long deliveries503, long deliveriesTotal, Duration took) {}

    public static void main(String[] args) throws Exception {
        int meetings = args.length > 0 ? Integer.parseInt(args[0]) : 1_500;
        Duration spread = args.length > 1 ? Duration.parse(args[1]) : Duration.ofSeconds(60);
        Duration baselineCap = args.length > 2 ? Duration.parse(args[2]) : Duration.ofMinutes(5);
        Phase elephant = elephant(meetings, spread);
        print(meetings, spread, List.of(elephant));
        Phase seed = seed(meetings, spread, baselineCap);
        print(meetings, spread, List.of(elephant, seed));
        System.exit(0); // the clients' and stand-ins' pools may linger; the table is out
    }

    /** EC2's documented request buckets, RunInstances' raised so the benchmark can launch its class in time. */
    private static Ec2RequestLimits limitsWithLaunchesRaised() {
        Ec2RequestLimits documented = Ec2RequestLimits.documented();
        Map<String, Ec2RequestLimits.Bucket> byAction = new HashMap<>(documented.byAction());
        byAction.put("RunInstances", new Ec2RequestLimits.Bucket(10_000, 1_000));
        return new Ec2RequestLimits(byAction, documented.nonMutating(), documented.unfiltered(), documented.mutating());
    }

    private static Phase elephant(int meetings, Duration spread) throws Exception {
        try (DevStack stack = DevStack.start(BenchStack.options("class-start", KEY).withCloudflarePaidPlan())) {
            AwsStandIn aws = stack.aws();
            aws.requestLimits(limitsWithLaunchesRaised());
            aws.launchResources(10_000, 1_000);
            aws.deliveryConcurrency(DELIVERIES_AT_ONCE);
            schedule(stack.apiUrl(), meetings);
            Map<String, Instant> running = new ConcurrentHashMap<>();
            Map<String, Instant> recorded = new ConcurrentHashMap<>();
            Map<String, Instant> ready = new ConcurrentHashMap<>();
            Map<String, String> instanceToMeeting = MEETINGS;
            Thread watcher = new Thread(() -> watch(stack.bootstrapServers(), running, recorded, ready, meetings));
            watcher.setDaemon(true);
            watcher.start();
            Instant start = Instant.now();
            launch(aws.endpoint(), meetings, spread, instanceToMeeting);
            System.out.printf("Elephant: %d instances launched in %.1f s%n", meetings * ROLES.length,
                    Duration.between(start, Instant.now()).toMillis() / 1000.0);
            watcher.join(Duration.ofMinutes(15).toMillis());
            BenchStack.printMeters(stack, "elephant_ingest_events_total", "elephant_ingest_facts_deferred",
                    "elephant_provider_requests_total", "elephant_provider_ratelimit_wait_seconds");
            return new Phase("Elephant", running, recorded, ready, aws.ec2Calls("DescribeInstances"),
                    aws.ec2Throttled("DescribeInstances"), stack.cloudflare().requestCount(),
                    stack.cloudflare().requestsAnswered(429), aws.deliveriesAnswered(503), aws.deliveryAttempts(),
                    Duration.between(start, Instant.now()));
        }
    }

    private static Phase seed(int meetings, Duration spread, Duration cap) throws Exception {
        java.nio.file.Path dir = ScratchDirs.create("elephant-bench-seed");
        String token = java.util.UUID.randomUUID().toString();
        try (CloudflareStandIn cloudflare = CloudflareStandIn.start(CloudflareStandIn.Settings.paidPlan("127.0.0.1", 0,
                0, DevStack.zoneIdFor("elephant.test"), "elephant.test", token, dir.resolve("zone.json")));
             SeedLambdas seed = SeedLambdas.start(cloudflare.apiBaseUrl(), DevStack.zoneIdFor("elephant.test"), token)) {
            try (AwsStandIn aws = AwsStandIn.start(new AwsStandIn.Settings("127.0.0.1", 0, "us-east-1", seed.url(), null,
                    "X-Elephant-Key", KEY, Duration.ofSeconds(1), null))) {
                seed.useEc2(aws.endpoint());
                aws.requestLimits(limitsWithLaunchesRaised());
                aws.launchResources(10_000, 1_000);
                aws.deliveryConcurrency(DELIVERIES_AT_ONCE);
                Instant start = Instant.now();
                Map<String, String> instanceToMeeting = new ConcurrentHashMap<>();
                launch(aws.endpoint(), meetings, spread, instanceToMeeting);
                MEETINGS.putAll(instanceToMeeting);
                Instant until = Instant.now().plus(cap);
                Map<String, Instant> ready = new HashMap<>();
                while (Instant.now().isBefore(until)) {
                    ready = seed.readyMeetings(instanceToMeeting);
                    if (ready.size() == meetings) {
                        break;
                    }
                    Thread.sleep(500);
                }
                System.out.printf("Seed: %d of %d meetings ready when stopped%n", ready.size(), meetings);
                return new Phase("seed (one DescribeInstances and one Cloudflare create per event)", seed.running(),
                        seed.recorded(), ready, aws.ec2Calls("DescribeInstances"), aws.ec2Throttled("DescribeInstances"),
                        cloudflare.requestCount(), cloudflare.requestsAnswered(429), aws.deliveriesAnswered(503),
                        aws.deliveryAttempts(), Duration.between(start, Instant.now()));
            }
        }
    }

    private static void schedule(URI api, int meetings) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant startsAt = Instant.now().plus(Duration.ofMinutes(3)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<java.util.concurrent.Future<Integer>> posts = new ArrayList<>();
        for (int m = 0; m < meetings; m++) {
            String body = """
                    {"type":"scheduled","meetingId":"class-%d","roles":["teacher","student"],"startsAt":"%s","endsAt":"%s"}"""
                    .formatted(m, startsAt, startsAt.plus(Duration.ofHours(1)));
            posts.add(pool.submit(() -> http.send(HttpRequest.newBuilder(api.resolve("/v1/meetings"))
                    .header("X-Elephant-Key", KEY).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()));
        }
        for (var p : posts) {
            if (p.get() != 202) {
                throw new IllegalStateException("a meeting was refused: " + p.get());
            }
        }
        pool.shutdown();
    }

    /** Launches each meeting's two instances, one RunInstances each, evenly over {@code spread}. */
    private static void launch(URI ec2Endpoint, int meetings, Duration spread, Map<String, String> instanceToMeeting)
            throws Exception {
        ProjectFilter project = ProjectFilter.defaults();
        int instances = meetings * ROLES.length;
        long gapNanos = spread.toNanos() / instances;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (Ec2Client ec2 = Ec2Client.builder().endpointOverride(ec2Endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(16)).build()) {
            long t0 = System.nanoTime();
            List<java.util.concurrent.Future<?>> launches = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                long due = t0 + i * gapNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                String meeting = "class-" + (i / ROLES.length);
                String role = ROLES[i % ROLES.length];
                launches.add(pool.submit(() -> {
                    String id = ec2.runInstances(r -> r.imageId("ami-0abc1234def567890").instanceType("t3.large")
                            .minCount(1).maxCount(1).tagSpecifications(t -> t.resourceType(ResourceType.INSTANCE).tags(
                                    Tag.builder().key(project.tagKey()).value(project.tagValue()).build(),
                                    Tag.builder().key("MeetingId").value(meeting).build(),
                                    Tag.builder().key("Role").value(role).build())))
                            .instances().get(0).instanceId();
                    instanceToMeeting.put(id, meeting);
                }));
            }
            for (var l : launches) {
                l.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Reads, as a subscriber would: each instance's running event (its event time: when EC2 made it), each record's
     * applied outcome (the sink's time, after the provider answered) and each meeting's first links.
     */
    private static void watch(String bootstrap, Map<String, Instant> running, Map<String, Instant> recorded,
                              Map<String, Instant> ready, int meetings) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(15));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-class-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("elephant.instance-events", "elephant.dns-mutations", "elephant.meeting-ready"));
            int reported = 0;
            while (ready.size() < meetings && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.value() == null) {
                        continue;
                    }
                    if (r.topic().endsWith("meeting-ready")) {
                        ready.putIfAbsent(r.key(), Instant.now());
                        continue;
                    }
                    JsonNode v = Json.mapper().readTree(r.value());
                    if (r.topic().endsWith("instance-events") && "running".equals(v.path("state").asText())) {
                        running.putIfAbsent(v.path("instanceId").asText(), Instant.parse(v.path("time").asText()));
                    } else if (r.topic().endsWith("dns-mutations") && "applied".equals(v.path("phase").asText())
                            && !v.path("instanceId").isMissingNode() && !v.path("instanceId").isNull()) {
                        recorded.putIfAbsent(v.path("instanceId").asText(), Instant.parse(v.path("time").asText()));
                    }
                }
                if (ready.size() / 250 > reported / 250) {
                    System.out.printf("  %s: %d meetings ready%n", Instant.now(), ready.size());
                }
                reported = ready.size();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void print(int meetings, Duration spread, List<Phase> phases) {
        System.out.println();
        System.out.printf("Class starts at ten: %d meetings × 2 roles, %d instances running within %d s; EC2's documented "
                + "request buckets, Cloudflare 1,200 requests per 5 minutes (then blocked 5), EventBridge %d at once%n",
                meetings, meetings * 2, spread.toSeconds(), DELIVERIES_AT_ONCE);
        System.out.println("| design | records | meetings ready | running → record p50 | p99 | max | running → meeting "
                + "ready p50 | p99 | max | last running → last ready | DescribeInstances calls | throttled | provider "
                + "requests | 429s | EventBridge deliveries | answered 503 |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Phase p : phases) {
            List<Long> toRecord = new ArrayList<>();
            p.recorded().forEach((id, at) -> {
                Instant ran = p.running().get(id);
                if (ran != null) {
                    toRecord.add(Duration.between(ran, at).toMillis());
                }
            });
            // A meeting is ready once its last instance runs; from then on the wait is the pipeline's.
            Map<String, Instant> lastRunning = new HashMap<>();
            p.running().forEach((id, at) -> lastRunning.merge(meetingOf(p, id), at, (a, b) -> a.isAfter(b) ? a : b));
            List<Long> toReady = new ArrayList<>();
            p.ready().forEach((m, at) -> {
                Instant ran = lastRunning.get(m);
                if (ran != null) {
                    toReady.add(Duration.between(ran, at).toMillis());
                }
            });
            Instant lastRun = p.running().values().stream().max(Instant::compareTo).orElse(null);
            Instant lastReady = p.ready().values().stream().max(Instant::compareTo).orElse(null);
            String lastToLast = p.ready().size() < meetings || lastRun == null ? "not all ready"
                    : "%.1f s".formatted(Duration.between(lastRun, lastReady).toMillis() / 1000.0);
            toRecord.sort(null);
            toReady.sort(null);
            System.out.printf("| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %d | %d | %d | %d | %d | %d |%n",
                    p.name(), p.recorded().size(), p.ready().size(), sec(toRecord, 0.5), sec(toRecord, 0.99),
                    sec(toRecord, 1), sec(toReady, 0.5), sec(toReady, 0.99), sec(toReady, 1), lastToLast,
                    p.describeCalls(), p.describeThrottled(), p.providerRequests(), p.provider429s(),
                    p.deliveriesTotal(), p.deliveries503());
        }
    }

    /** Every instance the benchmark launched, to its meeting (ids are random: no two stand-ins share one). */
    private static final Map<String, String> MEETINGS = new ConcurrentHashMap<>();

    private static String meetingOf(Phase p, String instanceId) {
        return MEETINGS.getOrDefault(instanceId, "?");
    }

    private static String sec(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return "–";
        }
        int i = q >= 1 ? sorted.size() - 1 : (int) Math.floor(q * (sorted.size() - 1));
        return "%.2f s".formatted(sorted.get(i) / 1000.0);
    }
}
