package dev.elephant.bench;

import com.sun.net.httpserver.HttpServer;
import dev.elephant.app.http.HttpApi;
import dev.elephant.connector.ec2.CoalescingInstanceLookup;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.connector.ec2.SdkInstanceLookup;
import dev.elephant.connector.ingest.DeadLetters;
import dev.elephant.connector.ingest.EventBridgeIngest;
import dev.elephant.connector.ingest.IngestAuth;
import dev.elephant.connector.ingest.IngestHandler;
import dev.elephant.connector.ingest.KafkaEventLog;
import dev.elephant.connector.ingest.RefusedCallers;
import dev.elephant.events.HttpServerSettings;
import dev.elephant.events.Secret;
import dev.elephant.events.Topics;
import dev.elephant.standins.aws.AwsStandIn;
import dev.elephant.standins.kafka.EmbeddedKafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The connector on its own: the ingest endpoint, the EC2 lookup through the SDK and the acknowledged
 * write, against the EC2 stand-in and an embedded broker — without the topology, the DNS sink and the
 * rest of the dev stack sharing the two cores. The parts are Elephant's own classes, wired as
 * {@code Elephant} wires them (64 handler threads, the same timeouts).
 */
final class ConnectorAlone {

    private static final String KEY = "bench-ingest-key";

    private ConnectorAlone() {}

    static void run(int events, int clients) throws Exception {
        HttpServerSettings.apply();
        Topics topics = new Topics("alone.");
        List<IngestBenchmark.Row> rows = new ArrayList<>();
        String cpuTable;
        long calls;
        long throttled;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(ScratchDirs.create("elephant-bench-alone"),
                Ports.free(), Ports.free(), Duration.ofSeconds(90));
             AwsStandIn aws = AwsStandIn.start(new AwsStandIn.Settings("127.0.0.1", 0, "us-east-1", null, null,
                     "X-Elephant-Key", KEY, Duration.ofMillis(300), null))) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(topics.instanceEvents(), 3, (short) 1),
                        new NewTopic(topics.deadLetter(), 3, (short) 1))).all().get();
            }
            List<String> instances = IngestBenchmark.launch(aws.endpoint(), 50);
            // EC2's documented request buckets from here on, as in dev: the lookups are paced to Elephant's share.
            aws.requestLimits(dev.elephant.standins.aws.Ec2RequestLimits.documented());
            Ec2Client ec2 = Ec2Client.builder().endpointOverride(aws.endpoint()).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("b", "b")))
                    .httpClientBuilder(ApacheHttpClient.builder())
                    .overrideConfiguration(o -> o.apiCallAttemptTimeout(Duration.ofMillis(1_200))).build();
            KafkaEventLog log = new KafkaEventLog(Map.of("bootstrap.servers", broker.bootstrapServers()));
            DeadLetters deadLetters = new DeadLetters(log, topics.deadLetter(), Clock.systemUTC(), Duration.ofMillis(3_500));
            CoalescingInstanceLookup lookup = new CoalescingInstanceLookup(new SdkInstanceLookup(ec2));
            EventBridgeIngest ingest = new EventBridgeIngest(lookup, null, ProjectFilter.defaults(), log, deadLetters,
                    topics, Duration.ofMillis(3_500), new SimpleMeterRegistry(), Clock.systemUTC());
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
            http.createContext("/v1/eventbridge", new IngestHandler(IngestAuth.apiKey("X-Elephant-Key", Secret.of(KEY)),
                    ingest::ingest, deadLetters, EventBridgeIngest.SOURCE,
                    new RefusedCallers(Clock.systemUTC(), new SimpleMeterRegistry())));
            ExecutorService threads = Executors.newFixedThreadPool(HttpApi.HANDLER_THREADS, r -> new Thread(r, "elephant-http"));
            http.setExecutor(threads);
            http.start();
            try {
                String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/v1/eventbridge";
                IngestBenchmark.run(url, instances, IngestBenchmark.warmupEvents(), clients, true); // warm-up
                long before = aws.ec2Calls("DescribeInstances");
                ThreadCpu cpu = ThreadCpu.start();
                rows.add(IngestBenchmark.run(url, instances, events, clients, true));
                cpuTable = cpu.table("keep-alive", rows.get(0).seconds(), 10);
                rows.add(IngestBenchmark.run(url, instances, Math.max(1, events / 4), clients, false));
                calls = aws.ec2Calls("DescribeInstances") - before;
                throttled = aws.ec2Throttled("DescribeInstances");
            } finally {
                http.stop(0);
                threads.shutdownNow();
                lookup.close();
                log.close();
                ec2.close();
            }
        }
        IngestBenchmark.print("The connector alone (no topology, no DNS sink), " + clients + " concurrent clients, "
                + "acks=all, each event enriched by DescribeInstances", rows);
        System.out.printf("%n%d events enriched with %d DescribeInstances calls (EC2's documented request buckets: "
                + "%d throttled)%n", rows.stream().mapToInt(IngestBenchmark.Row::events).sum(), calls, throttled);
        IngestBenchmark.printCpu(cpuTable, rows.get(0));
    }
}
