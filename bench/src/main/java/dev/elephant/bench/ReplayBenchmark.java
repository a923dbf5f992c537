package dev.elephant.bench;

import dev.elephant.app.config.RunConfig;
import dev.elephant.app.replay.ReplayReset;
import dev.elephant.app.runtime.Elephant;
import dev.elephant.app.runtime.ElephantSettings;
import dev.elephant.app.runtime.TopologyLag;
import dev.elephant.events.Topics;
import dev.elephant.standins.aws.AwsStandIn;
import dev.elephant.standins.cloudflare.CloudflareStandIn;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * Replay with the provider attached: a log of EC2 lifecycles (most instances run, stop, start and
 * terminate; some are left running) is written to {@code instance-events}; {@code elephant run} builds
 * the tables and the zone from it (the first build); then, stopped, reset as {@code elephant replay}
 * does and started in replay mode, it rebuilds everything from the log against a provider that already
 * matches. Reports events/s of both and the provider writes of the replay (target: 0), when the topology had read
 * the whole log (the rest is the DNS sink finishing), and where the CPU went. The broker runs in a JVM of its own
 * ({@link BrokerProcess}; {@code -Dbroker=in-process} for the benchmark's). Prints a table.
 */
public final class ReplayBenchmark {

    /** Instances whose history ends running after the restart: the records the zone holds (a paid zone takes 3,500). */
    private static final int LEFT_RUNNING = 3_000;
    private static final String ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
    private static final String DOMAIN = "bench.example.com";
    private static final String PREFIX = "replay.";
    /** {@code -Dpartitions=N}; Elephant's default (topics.partitions) unless given. */
    private static final int PARTITIONS = Integer.getInteger("partitions", 6);

    /**
     * @param topologySeconds from the start until the topology's committed offsets reached the log's end; the rest
     *                        of {@code seconds} is the DNS sink finishing (in a replay it starts only then)
     * @param middleRate      events/s of the topology from a tenth of the log to nine tenths: without its start
     *                        (joining the group, the first fetches) and its end (the last partitions alone)
     * @param threads         where the process's CPU went in the phase, as {@link ThreadCpu} table rows
     */
    private record Phase(String name, long events, double seconds, double topologySeconds, double middleRate,
                         long requests, long writes, long changes, double coresBusy, String threads) {}

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int left = Math.min(LEFT_RUNNING, Math.max(1, events / Ec2Lifecycles.LIFECYCLE.length / 10));
        // every instance has 8 events, except those left running, which stop after their second "running"
        int instances = (events + 2 * left) / Ec2Lifecycles.LIFECYCLE.length;
        Path dir = ScratchDirs.create("elephant-bench-replay");
        List<Phase> phases = new ArrayList<>();
        long produced;
        try (BenchBroker broker = BenchBroker.forBenchmark(dir.resolve("kafka"));
             CloudflareStandIn cloudflare = CloudflareStandIn.start(CloudflareStandIn.Settings.paidPlan("127.0.0.1", 0, 0,
                     ZONE, DOMAIN, "cf-bench-replay", null));
             AwsStandIn aws = AwsStandIn.start(new AwsStandIn.Settings("127.0.0.1", 0, "us-east-1", null, null,
                     "X-Elephant-Key", "k-bench-replay", Duration.ofMillis(300), null))) {
            System.setProperty("aws.accessKeyId", "bench");
            System.setProperty("aws.secretAccessKey", "bench");
            Path config = dir.resolve("elephant.yaml");
            Files.writeString(config, """
                    kafka:
                      bootstrap.servers: %s%s
                    applicationId: %sapp
                    stateDir: %s
                    topics:
                      prefix: %s
                      partitions: %d
                      replicationFactor: 1
                    domain: %s
                    ownerId: bench
                    http:
                      host: 127.0.0.1
                      port: %d
                    aws:
                      region: us-east-1
                      endpoint: %s
                    cloudflare:
                      apiBaseUrl: %s
                      zoneId: %s
                    """.formatted(broker.bootstrapServers(), streamThreads(), PREFIX, dir.resolve("state"), PREFIX, PARTITIONS, DOMAIN, Ports.free(),
                    aws.endpoint(), cloudflare.apiBaseUrl(), ZONE));
            ElephantSettings settings = RunConfig.load(config, Map.of("ELEPHANT_INGEST_KEY", "k-bench-replay",
                    "ELEPHANT_CLOUDFLARE_TOKEN", "cf-bench-replay"), (id, region, endpoint) -> null);
            Topics topics = settings.topics().names();

            // The first start creates the topics; the log is written while nothing is in it yet to act on.
            try (Elephant e = Elephant.start(settings)) {
                awaitReady(e);
            }
            long t0 = System.nanoTime();
            produced = Ec2Lifecycles.produce(broker.bootstrapServers(), topics.instanceEvents(), instances, left);
            System.out.printf(Locale.ROOT, "wrote %d events for %d instances in %.1f s%n", produced, instances,
                    (System.nanoTime() - t0) / 1e9);

            phases.add(run("first build (elephant run)", settings, broker.bootstrapServers(), cloudflare, produced,
                    left, false));
            StringWriter reset = new StringWriter();
            long resetStart = System.nanoTime();
            new ReplayReset(settings, new PrintWriter(reset, true)).reset(false);
            // Not in the replay's seconds below: the reset runs before Elephant starts, as elephant replay does.
            System.out.printf(Locale.ROOT, "the reset (offsets to the start, internal topics and local state deleted) "
                    + "took %.1f s%n", (System.nanoTime() - resetStart) / 1e9);
            phases.add(run("replay (elephant replay, then run)", settings, broker.bootstrapServers(), cloudflare,
                    produced, left, true));
        }
        System.out.printf(Locale.ROOT, "%nReplay with the provider attached: %d events (%d instances, %d left running), "
                + "real broker (KRaft, 1 node, %d partitions, exactly_once_v2, %s), Cloudflare stand-in (paid zone)%n%n",
                produced, instances, left, PARTITIONS, "in-process".equals(System.getProperty("broker")) ? "in this JVM"
                        : "in a JVM of its own");
        System.out.printf(Locale.ROOT, "| %-36s | %9s | %9s | %10s | %17s | %14s | %16s | %15s | %21s | %10s |%n",
                "phase", "events", "seconds", "events/s", "provider requests", "write requests", "records changed",
                "topology done s", "topology 10-90 % ev/s", "cores busy");
        System.out.println("|--------------------------------------|-----------|-----------|------------|-------------------|"
                + "----------------|------------------|-----------------|-----------------------|------------|");
        for (Phase p : phases) {
            System.out.printf(Locale.ROOT,
                    "| %-36s | %9d | %9.1f | %10.0f | %17d | %14d | %16d | %15.1f | %21.0f | %10.2f |%n",
                    p.name(), p.events(), p.seconds(), p.events() / p.seconds(), p.requests(), p.writes(), p.changes(),
                    p.topologySeconds(), p.middleRate(), p.coresBusy());
        }
        System.out.printf(Locale.ROOT, "%nWhere the CPU went (the broker, the stand-ins and Elephant share this JVM)%n%n");
        System.out.println(ThreadCpu.header());
        for (Phase p : phases) {
            System.out.println(p.threads());
        }
    }

    /** Starts Elephant, waits until the topology has read the whole log and the sink applied all it wrote. */
    private static Phase run(String name, ElephantSettings settings, String bootstrap, CloudflareStandIn cloudflare,
                             long events, int expectedRecords, boolean replay) throws Exception {
        long requests = cloudflare.requestCount();
        long writes = cloudflare.writeRequestCount();
        long changes = cloudflare.changesApplied();
        ThreadCpu cpu = ThreadCpu.start();
        long start = System.nanoTime();
        long topologyDone = 0;
        long tenthAt = 0;
        long tenthEvents = 0;
        long ninthAt = 0;
        long ninthEvents = 0;
        long firstAt = 0;
        try (Elephant elephant = Elephant.start(settings, replay);
             Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Topics topics = settings.topics().names();
            String app = settings.applicationId();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            while (true) {
                if (topologyDone == 0) {
                    long read = committedSum(admin, app, topics.instanceEvents());
                    long now = System.nanoTime();
                    if (firstAt == 0 && read > 0) {
                        firstAt = now;
                        System.out.printf(Locale.ROOT, "%s: the topology's first commit after %.1f s%n", name,
                                (now - start) / 1e9);
                    }
                    if (tenthAt == 0 && read >= events / 10) {
                        tenthAt = now;
                        tenthEvents = read;
                    }
                    if (ninthAt == 0 && read >= events * 9 / 10) {
                        ninthAt = now;
                        ninthEvents = read;
                        // whether the partitions end together (a thread with one partition of three runs out first)
                        System.out.printf(Locale.ROOT, "%s: at nine tenths, by partition: %s%n", name,
                                committedByPartition(admin, app, topics.instanceEvents()));
                        System.out.printf(Locale.ROOT, "%s: the stream threads at nine tenths: %s%n", name,
                                StreamThreadRatios.now());
                    }
                    if (TopologyLag.isCaughtUp(admin, app, List.of(topics.instanceEvents()))) {
                        topologyDone = now;
                    }
                }
                if (topologyDone != 0 && TopologyLag.isCaughtUp(admin, app + "-dns-sink", List.of(topics.dnsDesired()))
                        && owned(cloudflare) == expectedRecords) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + ": not caught up within 30 minutes");
                }
                Thread.sleep(200);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%s: a tenth read at %.1f s, nine tenths at %.1f s, all at %.1f s, the sink done at %.1f s%n",
                    name, (tenthAt - start) / 1e9, (ninthAt - start) / 1e9, (topologyDone - start) / 1e9, seconds);
            Map<String, Double> used = cpu.secondsSinceStart();
            double middle = ninthAt > tenthAt ? (ninthEvents - tenthEvents) / ((ninthAt - tenthAt) / 1e9) : Double.NaN;
            return new Phase(name, events, seconds, (topologyDone - start) / 1e9, middle, cloudflare.requestCount() - requests,
                    cloudflare.writeRequestCount() - writes, cloudflare.changesApplied() - changes,
                    used.get(ThreadCpu.WHOLE_PROCESS) / seconds, ThreadCpu.table(used, name, seconds, 12));
        }
    }

    private static long owned(CloudflareStandIn cloudflare) {
        return cloudflare.records().stream().filter(r -> r.comment() != null && r.comment().contains("owner=bench"))
                .count();
    }

    /** Events of the topic the group has committed past, by partition. */
    private static Map<Integer, Long> committedByPartition(Admin admin, String group, String topic) throws Exception {
        Map<Integer, Long> out = new java.util.TreeMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                .forEach((p, o) -> {
                    if (p.topic().equals(topic) && o != null) {
                        out.put(p.partition(), o.offset());
                    }
                });
        return out;
    }

    /** Events of the topic the group has committed past, over all its partitions. */
    private static long committedSum(Admin admin, String group, String topic) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                .entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    private static void awaitReady(Elephant elephant) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!elephant.isReady()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Elephant not ready within 2 minutes: " + elephant.readinessProblems());
            }
            Thread.sleep(100);
        }
    }

    /** {@code -Dnum.stream.threads=N}: the topology's stream threads for an experiment (Elephant's default: 2). */
    private static String streamThreads() {
        String n = System.getProperty("num.stream.threads");
        return n == null ? "" : "\n  num.stream.threads: " + Integer.parseInt(n);
    }

}
