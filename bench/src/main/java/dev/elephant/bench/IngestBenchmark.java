package dev.elephant.bench;

import dev.elephant.app.dev.DevStack;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.events.Secret;
import dev.elephant.topology.common.TopologyConfig;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * Ingest throughput and latency: EventBridge events POSTed to {@code /v1/eventbridge} of a running
 * Elephant (dev stack: embedded broker, the whole pipeline running), each enriched by
 * {@code DescribeInstances} against the EC2 stand-in and acknowledged by Kafka before its 202. Once
 * with keep-alive connections, once with a new connection per request ({@code Connection: close}) as
 * EventBridge's API destinations do. Prints a table.
 */
public final class IngestBenchmark {

    private static final String KEY = "bench-ingest-key";
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    /** @param clientCpuSeconds CPU the load-generating client threads themselves used (they share the machine) */
    record Row(String mode, int clients, int events, long accepted, double seconds, double perSecond,
                       double p50, double p99, double max, double clientCpuSeconds) {}

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        if (args.length > 2 && args[2].equals("alone")) {
            ConnectorAlone.run(events, clients);
            return;
        }
        List<Row> rows = new ArrayList<>();
        String cpuTable;
        long describeCalls;
        try (DevStack stack = DevStack.start(new DevStack.Options(ScratchDirs.create("elephant-bench-ingest"),
                null, "127.0.0.1", Ports.free(), Ports.free(), 0, 0, 0, 0, "elephant.test", "X-Elephant-Key",
                Secret.of(KEY), null, null, ProjectFilter.defaults(), TopologyConfig.DEFAULT_LINK_TEMPLATE, "bench",
                "elephant.", "elephant-bench", 3, Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofHours(1),
                null, null))) {
            List<String> instances = launch(stack, 50);
            String url = stack.apiUrl() + "/v1/eventbridge";
            run(url, instances, warmupEvents(), clients, true); // warm-up: JIT, connections, producer
            long before = stack.aws().ec2Calls("DescribeInstances");
            ThreadCpu cpu = ThreadCpu.start();
            rows.add(run(url, instances, events, clients, true));
            cpuTable = cpu.table("keep-alive", rows.get(0).seconds(), 10);
            rows.add(run(url, instances, Math.max(1, events / 4), clients, false));
            describeCalls = stack.aws().ec2Calls("DescribeInstances") - before;
        }
        print("Ingest into the real local broker (acks=all), " + clients + " concurrent clients, each event enriched "
                + "by DescribeInstances", rows);
        int total = rows.stream().mapToInt(Row::events).sum();
        System.out.printf(Locale.ROOT, "%n%d events enriched with %d DescribeInstances calls (concurrent lookups share a "
                + "call)%n", total, describeCalls);
        printCpu(cpuTable, rows.get(0));
    }

    /**
     * Events sent before measuring (-Dwarmup.events): the connections and the producer get going, and the JIT
     * compiles the request path — which takes tens of thousands of requests; after 2,000 the measured run was
     * still compiling and showed a third of the rate (docs/BENCHMARKS.md).
     */
    static int warmupEvents() {
        return Integer.getInteger("warmup.events", 50_000);
    }

    static void printCpu(String cpuTable, Row run) {
        System.out.printf(Locale.ROOT, "%nWhere the CPU went during the keep-alive run (the largest thread groups)%n%n%s%n%s%n"
                + "| %-24s | %-64s | %8.1f | %6.2f |%n", ThreadCpu.header(), cpuTable, "keep-alive",
                "the " + run.clients() + " load-generating clients (counted apart)", run.clientCpuSeconds(),
                run.clientCpuSeconds() / run.seconds());
    }

    static void print(String title, List<Row> rows) {
        System.out.printf(Locale.ROOT, "%n%s%n%n", title);
        System.out.printf(Locale.ROOT, "| %-34s | %7s | %8s | %8s | %9s | %8s | %8s | %8s |%n", "connections", "events",
                "202s", "seconds", "events/s", "p50 ms", "p99 ms", "max ms");
        System.out.println("|------------------------------------|---------|----------|----------|-----------|"
                + "----------|----------|----------|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %-34s | %7d | %8d | %8.1f | %9.0f | %8.1f | %8.1f | %8.1f |%n", r.mode(),
                    r.events(), r.accepted(), r.seconds(), r.perSecond(), r.p50(), r.p99(), r.max());
        }
    }

    private static List<String> launch(DevStack stack, int count) {
        return launch(stack.aws().endpoint(), count);
    }

    static List<String> launch(java.net.URI ec2Endpoint, int count) {
        try (Ec2Client ec2 = Ec2Client.builder().endpointOverride(ec2Endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("b", "b")))
                .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            return ec2.runInstances(r -> r.imageId("ami-12345678").minCount(count).maxCount(count)
                            .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE)
                                    .tags(Tag.builder().key("Project").value("Elephant").build()).build()))
                    .instances().stream().map(Instance::instanceId).toList();
        }
    }

    static Row run(String url, List<String> instances, int events, int clients, boolean keepAlive)
            throws Exception {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(clients);
        dispatcher.setMaxRequestsPerHost(clients);
        OkHttpClient http = new OkHttpClient.Builder().dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(clients, 1, TimeUnit.MINUTES)).build();
        long[] latencies = new long[events];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        AtomicLong clientCpu = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients, r -> new Thread(r, "bench-load-client"));
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            workers.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < events) {
                    String body = event(instances.get(i % instances.size()));
                    Request.Builder request = new Request.Builder().url(url).header("X-Elephant-Key", KEY)
                            .post(RequestBody.create(body, JSON));
                    if (!keepAlive) {
                        request.header("Connection", "close");
                    }
                    long t0 = System.nanoTime();
                    try (Response response = http.newCall(request.build()).execute()) {
                        if (response.code() == 202) {
                            accepted.incrementAndGet();
                        }
                    }
                    latencies[i] = System.nanoTime() - t0;
                }
                clientCpu.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        Arrays.sort(latencies);
        return new Row(keepAlive ? "keep-alive" : "new connection per event (close)", clients, events, accepted.get(),
                seconds, events / seconds, latencies[events / 2] / 1e6, latencies[(int) (events * 0.99)] / 1e6,
                latencies[events - 1] / 1e6, clientCpu.get() / 1e9);
    }

    private static String event(String instanceId) {
        return "{\"version\":\"0\",\"id\":\"" + UUID.randomUUID() + "\",\"detail-type\":"
                + "\"EC2 Instance State-change Notification\",\"source\":\"aws.ec2\",\"account\":\"000000000000\","
                + "\"time\":\"2026-11-23T10:00:00Z\",\"region\":\"us-east-1\",\"resources\":[],"
                + "\"detail\":{\"instance-id\":\"" + instanceId + "\",\"state\":\"running\"}}";
    }

}
