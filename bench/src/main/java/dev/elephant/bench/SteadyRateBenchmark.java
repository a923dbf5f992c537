package dev.elephant.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elephant.app.dev.DevStack;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.events.Json;
import dev.elephant.standins.aws.AwsStandIn;
import dev.elephant.standins.aws.Ec2RequestLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Event to record at a steady rate: instances launched and, {@code life} later, terminated, at a pace that makes
 * {@code rate} EC2 state changes a second (pending, running, shutting-down, terminated: four per instance) for
 * {@code duration}, on the whole dev stack with EC2's documented request buckets (RunInstances' and
 * TerminateInstances' raised: the load is the benchmark's) and the Cloudflare stand-in answering every request
 * {@code latency} late (a paid zone, 1,200 requests per 5 minutes). EventBridge delivers 64 at once.
 *
 * <p>Measured for every record change a state change caused (a record on running, its removal on shutting-down):
 * from the event's time (when EC2 made the change; it reaches Elephant a few milliseconds later) to the DNS sink's
 * outcome, written once Cloudflare answered.
 *
 * <p>{@code bench/run steady [rate] [duration] [latency] [life]}: 100, PT5M, PT0.1S, PT30S by default.
 */
public final class SteadyRateBenchmark {

    private static final String KEY = "bench-steady-key";

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        Duration duration = args.length > 1 ? Duration.parse(args[1]) : Duration.ofMinutes(5);
        Duration latency = args.length > 2 ? Duration.parse(args[2]) : Duration.ofMillis(100);
        Duration life = args.length > 3 ? Duration.parse(args[3]) : Duration.ofSeconds(30);
        try (DevStack stack = DevStack.start(BenchStack.options("steady", KEY).withCloudflarePaidPlan())) {
            AwsStandIn aws = stack.aws();
            Ec2RequestLimits documented = Ec2RequestLimits.documented();
            Map<String, Ec2RequestLimits.Bucket> byAction = new HashMap<>(documented.byAction());
            byAction.put("RunInstances", new Ec2RequestLimits.Bucket(10_000, 1_000));
            byAction.put("TerminateInstances", new Ec2RequestLimits.Bucket(10_000, 1_000));
            aws.requestLimits(new Ec2RequestLimits(byAction, documented.nonMutating(), documented.unfiltered(),
                    documented.mutating()));
            aws.launchResources(100_000, 1_000);
            aws.deliveryConcurrency(64);
            stack.cloudflare().latency(latency);

            Map<String, Instant> eventTimes = new ConcurrentHashMap<>();
            Map<String, Instant> outcomeTimes = new ConcurrentHashMap<>();
            // When the benchmark's consumer first saw each stage, by the causing event's id.
            Map<String, Instant> seenEvent = new ConcurrentHashMap<>();
            Map<String, Instant> seenDesired = new ConcurrentHashMap<>();
            // The same records as written, before their transaction commits: what lies between this and the
            // committed view is the transactions' time, what lies before it the topology's.
            Map<String, Instant> writtenDesired = new ConcurrentHashMap<>();
            Map<String, Instant> intentAt = new ConcurrentHashMap<>();
            List<Long> millis = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Long> intentToAnswer = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean watching = new AtomicBoolean(true);
            AtomicInteger events = new AtomicInteger();
            Thread watcher = new Thread(() -> watch(stack.bootstrapServers(), eventTimes, outcomeTimes, millis, intentToAnswer, events, watching, seenEvent, seenDesired, intentAt));
            watcher.setDaemon(true);
            watcher.start();
            Thread uncommitted = new Thread(() -> watchWritten(stack.bootstrapServers(), writtenDesired, watching));
            uncommitted.setDaemon(true);
            uncommitted.start();

            long cfBefore = stack.cloudflare().requestCount();
            Instant start = Instant.now();
            int launched = load(aws, rate / 4.0, duration, life);
            System.out.printf("%d instances launched and terminated over %d s%n", launched,
                    Duration.between(start, Instant.now()).toSeconds());
            // the last changes' records
            Instant settle = Instant.now().plusSeconds(30);
            while (Instant.now().isBefore(settle) && millis.size() < 2 * launched) {
                Thread.sleep(200);
            }
            watching.set(false);
            watcher.join(5_000);
            uncommitted.join(5_000);
            List<Long> sorted;
            synchronized (millis) {
                sorted = new ArrayList<>(millis);
            }
            sorted.sort(null);
            // From the event's arrival: EventBridge's first POST of it to Elephant.
            Map<String, Instant> arrivals = aws.deliveryFirstAttempts();
            List<Long> fromArrival = new ArrayList<>();
            outcomeTimes.forEach((eventId, at) -> {
                Instant arrived = arrivals.get(eventId);
                if (arrived != null) {
                    fromArrival.add(Duration.between(arrived, at).toMillis());
                }
            });
            fromArrival.sort(null);
            // Where the time goes, from the event's arrival: each stage as the benchmark's consumer first saw it.
            for (var stage : List.of(Map.entry("instance-events read", seenEvent),
                    Map.entry("dns-desired written (read_uncommitted)", writtenDesired), Map.entry("dns-desired read", seenDesired),
                    Map.entry("the sink's intent", intentAt), Map.entry("the provider's answer", outcomeTimes))) {
                List<Long> d = new ArrayList<>();
                outcomeTimes.keySet().forEach(eventId -> {
                    Instant arrived = arrivals.get(eventId);
                    Instant at = stage.getValue().get(eventId);
                    if (arrived != null && at != null) {
                        d.add(Duration.between(arrived, at).toMillis());
                    }
                });
                d.sort(null);
                System.out.printf("  arrival → %s: p50 %s, p99 %s%n", stage.getKey(), ms(d, 0.5), ms(d, 0.99));
            }
            // The longest waits between the records' writing and their commit, and when they were: stalls that
            // come together in time have one cause.
            record Wait(String eventId, Instant written, long toCommitted, long toWritten) {}
            List<Wait> waits = new ArrayList<>();
            writtenDesired.forEach((eventId, written) -> {
                Instant committed = seenDesired.get(eventId);
                Instant arrived = arrivals.get(eventId);
                if (committed != null && arrived != null) {
                    waits.add(new Wait(eventId, written, Duration.between(written, committed).toMillis(),
                            Duration.between(arrived, written).toMillis()));
                }
            });
            waits.sort(java.util.Comparator.comparingLong((Wait w) -> w.toCommitted() + w.toWritten()).reversed());
            System.out.println("  the slowest to dns-desired (written at | arrival → written | written → committed):");
            waits.stream().limit(15).forEach(w -> System.out.printf("    %s | %d ms | %d ms%n", w.written(),
                    w.toWritten(), w.toCommitted()));
            List<Wait> toCommitted = waits.stream().sorted(java.util.Comparator.comparingLong(Wait::toCommitted)).toList();
            List<Wait> toWritten = waits.stream().sorted(java.util.Comparator.comparingLong(Wait::toWritten)).toList();
            System.out.printf("  written → committed: p50 %d ms, p99 %d ms, max %d ms; arrival → written: p50 %d ms, p99 %d ms, max %d ms%n",
                    toCommitted.get(toCommitted.size() / 2).toCommitted(), toCommitted.get((int) (toCommitted.size() * 0.99)).toCommitted(),
                    toCommitted.get(toCommitted.size() - 1).toCommitted(), toWritten.get(toWritten.size() / 2).toWritten(),
                    toWritten.get((int) (toWritten.size() * 0.99)).toWritten(), toWritten.get(toWritten.size() - 1).toWritten());
            List<Long> sink;
            synchronized (intentToAnswer) {
                sink = new ArrayList<>(intentToAnswer);
            }
            sink.sort(null);
            System.out.println();
            System.out.printf("Event to record: %d state changes a second for %d s, Cloudflare answering in %d ms; EC2's "
                    + "documented Describe buckets; EventBridge 64 at once%n", rate, duration.toSeconds(), latency.toMillis());
            System.out.println("| state changes | record changes measured | arrival → provider's answer p50 | p99 | max "
                    + "| EC2's event → provider's answer p50 | p99 | max | Cloudflare requests | 429s "
                    + "| DescribeInstances calls | throttled | EventBridge answered 503 | the sink's intent → answer p50 | p99 |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            System.out.printf("| %d | %d | %s | %s | %s | %s | %s | %s | %d | %d | %d | %d | %d | %s | %s |%n", events.get(),
                    sorted.size(), ms(fromArrival, 0.5), ms(fromArrival, 0.99), ms(fromArrival, 1),
                    ms(sorted, 0.5), ms(sorted, 0.99), ms(sorted, 1), stack.cloudflare().requestCount() - cfBefore,
                    stack.cloudflare().requestsAnswered(429), aws.ec2Calls("DescribeInstances"),
                    aws.ec2Throttled("DescribeInstances"), aws.deliveriesAnswered(503), ms(sink, 0.5), ms(sink, 0.99));
            BenchStack.printMeters(stack, "elephant_ingest_events_total", "elephant_ingest_facts_deferred",
                    "elephant_provider_requests_total", "elephant_provider_ratelimit_wait_seconds");
        }
    }

    /** Launches {@code perSecond} instances a second for {@code duration}, each terminated {@code life} later. */
    private static int load(AwsStandIn aws, double perSecond, Duration duration, Duration life) throws Exception {
        ProjectFilter project = ProjectFilter.defaults();
        ScheduledExecutorService terminator = Executors.newScheduledThreadPool(4);
        ExecutorService launcher = Executors.newFixedThreadPool(8);
        int count = (int) (perSecond * duration.toSeconds());
        long gap = (long) (1e9 / perSecond);
        try (Ec2Client ec2 = Ec2Client.builder().endpointOverride(aws.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(16)).build()) {
            long t0 = System.nanoTime();
            List<java.util.concurrent.Future<?>> work = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long wait = t0 + i * gap - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                work.add(launcher.submit(() -> {
                    String id = ec2.runInstances(r -> r.imageId("ami-0abc1234def567890").instanceType("t3.micro")
                            .minCount(1).maxCount(1).tagSpecifications(t -> t.resourceType(ResourceType.INSTANCE).tags(
                                    Tag.builder().key(project.tagKey()).value(project.tagValue()).build())))
                            .instances().get(0).instanceId();
                    terminator.schedule(() -> ec2.terminateInstances(r -> r.instanceIds(id)), life.toMillis(),
                            TimeUnit.MILLISECONDS);
                }));
            }
            for (var w : work) {
                w.get();
            }
            terminator.shutdown();
            terminator.awaitTermination(life.toSeconds() + 10, TimeUnit.SECONDS);
        } finally {
            launcher.shutdown();
        }
        return count;
    }

    /** Each record outcome's time less the time of the EC2 event that caused it. */
    private static void watch(String bootstrap, Map<String, Instant> eventTimes, Map<String, Instant> outcomeTimes,
                              List<Long> millis, List<Long> intentToAnswer, AtomicInteger events,
                              AtomicBoolean watching, Map<String, Instant> seenEvent, Map<String, Instant> seenDesired,
                              Map<String, Instant> intentAt) {
        Map<String, Instant> outcomes = new HashMap<>();
        Map<String, Instant> intents = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = watcher(bootstrap, "read_committed")) {
            consumer.subscribe(List.of("elephant.instance-events", "elephant.dns-mutations", "elephant.dns-desired"));
            while (watching.get()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.value() == null) {
                        continue;
                    }
                    JsonNode v = Json.mapper().readTree(r.value());
                    if (r.topic().endsWith("dns-desired")) {
                        seenDesired.putIfAbsent(v.path("causeId").asText(), Instant.now());
                        continue;
                    }
                    if (r.topic().endsWith("instance-events")) {
                        seenEvent.putIfAbsent(v.path("eventId").asText(), Instant.now());
                        events.incrementAndGet();
                        eventTimes.put(v.path("eventId").asText(), Instant.parse(v.path("time").asText()));
                    } else if ("intent".equals(v.path("phase").asText())) {
                        intents.put(v.path("mutationId").asText(), Instant.parse(v.path("time").asText()));
                        intentAt.putIfAbsent(v.path("causeId").asText(), Instant.parse(v.path("time").asText()));
                    } else if ("applied".equals(v.path("phase").asText()) && v.hasNonNull("causeId")) {
                        Instant at = Instant.parse(v.path("time").asText());
                        outcomes.put(v.path("causeId").asText(), at);
                        Instant intent = intents.remove(v.path("mutationId").asText());
                        if (intent != null) {
                            intentToAnswer.add(Duration.between(intent, at).toMillis());
                        }
                    }
                }
                // An outcome may be read before its cause: both are matched once both are in.
                var it = outcomes.entrySet().iterator();
                while (it.hasNext()) {
                    var e = it.next();
                    Instant cause = eventTimes.get(e.getKey());
                    if (cause != null) {
                        millis.add(Duration.between(cause, e.getValue()).toMillis());
                        outcomeTimes.put(e.getKey(), e.getValue());
                        it.remove();
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** When each {@code dns-desired} record was first seen uncommitted, by its cause. */
    private static void watchWritten(String bootstrap, Map<String, Instant> written, AtomicBoolean watching) {
        try (KafkaConsumer<String, String> consumer = watcher(bootstrap, "read_uncommitted")) {
            consumer.subscribe(List.of("elephant.dns-desired"));
            while (watching.get()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.value() != null) {
                        written.putIfAbsent(Json.mapper().readTree(r.value()).path("causeId").asText(), Instant.now());
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A consumer of the benchmark's own, from the topics' beginnings, at the given isolation level. */
    private static KafkaConsumer<String, String> watcher(String bootstrap, String isolation) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-steady-" + isolation + "-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation), new StringDeserializer(), new StringDeserializer());
    }

    private static String ms(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return "–";
        }
        int i = q >= 1 ? sorted.size() - 1 : (int) Math.floor(q * (sorted.size() - 1));
        return sorted.get(i) + " ms";
    }
}
