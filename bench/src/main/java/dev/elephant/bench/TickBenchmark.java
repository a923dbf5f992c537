package dev.elephant.bench;

import dev.elephant.app.runtime.TopologyLag;
import dev.elephant.events.InstanceEvent;
import dev.elephant.events.Json;
import dev.elephant.events.LaunchSpec;
import dev.elephant.events.MeetingEvent;
import dev.elephant.events.Tick;
import dev.elephant.events.Topics;

import dev.elephant.standins.kafka.EmbeddedKafkaBroker;
import dev.elephant.topology.ElephantTopology;
import dev.elephant.topology.StreamsProperties;
import dev.elephant.topology.common.MachinePolicy;
import dev.elephant.topology.common.TopologyConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What ticks cost the topology when its tables are full: {@code meetings} meetings of two roles, each with its two
 * instances running (scheduled two days ahead, so nothing is due for them), and {@code idle} running instances of the
 * project without a meeting (started just before the ticks, so none is due for reaping); then an hour of ticks, one
 * every 5 s (Elephant's {@code launch.tickInterval}) to each partition, as one Elephant instance writes them. A live
 * run gets these ticks over the hour; a replay goes through all of them at once, which is what is measured: ticks
 * per second, and the stream threads' CPU per tick. Real broker in this JVM (KRaft), exactly-once as Elephant runs.
 *
 * <p>{@code bench/run ticks [meetings] [idle] [ticks per partition]}; prints a table.
 */
public final class TickBenchmark {

    private static final int PARTITIONS = 3;
    private static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");
    private static final Duration TICK_INTERVAL = Duration.ofSeconds(5);
    /** reap.after for the run: longer than the hour of ticks, so that the idle instances are not due in it. */
    private static final Duration REAP_AFTER = Duration.ofHours(2);

    public static void main(String[] args) throws Exception {
        int meetings = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int idle = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int ticks = args.length > 2 ? Integer.parseInt(args[2]) : 720;
        Topics topics = new Topics("ticks.");
        String app = "ticks-bench";
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(ScratchDirs.create("elephant-bench-ticks"),
                Ports.free(), Ports.free(), Duration.ofSeconds(90));
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            String bootstrap = broker.bootstrapServers();
            List<NewTopic> created = new ArrayList<>();
            List<String> all = new ArrayList<>(topics.retained());
            all.addAll(topics.compacted());
            for (String t : all) {
                created.add(new NewTopic(t, PARTITIONS, (short) 1).configs(Map.of("retention.ms", "-1")));
            }
            admin.createTopics(created).all().get();
            long tables = writeTables(bootstrap, topics, meetings, idle);

            Properties p = StreamsProperties.of(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), app,
                    ScratchDirs.create("elephant-bench-ticks-state"), 1, topics.deadLetter());
            TopologyConfig config = new TopologyConfig(topics, "elephant.test", TopologyConfig.DEFAULT_LINK_TEMPLATE,
                    TopologyConfig.AddressKind.PUBLIC, "MeetingId", "Role", 60)
                    .withMachines(MachinePolicy.defaults().withReapAfter(REAP_AFTER));
            try (KafkaStreams streams = new KafkaStreams(ElephantTopology.build(config), p)) {
                long start = System.nanoTime();
                streams.start();
                awaitCaughtUp(admin, app, topics);
                double tablesSeconds = (System.nanoTime() - start) / 1e9;

                ThreadCpu cpu = ThreadCpu.start();
                long ticking = System.nanoTime();
                writeTicks(bootstrap, topics, ticks);
                awaitCaughtUp(admin, app, topics);
                double seconds = (System.nanoTime() - ticking) / 1e9;
                Map<String, Double> used = cpu.secondsSinceStart();
                double streamCpu = used.entrySet().stream().filter(e -> e.getKey().contains("StreamThread"))
                        .mapToDouble(Map.Entry::getValue).sum();
                long tickRecords = (long) ticks * PARTITIONS;
                System.out.printf(Locale.ROOT, "%nTicks through full tables: %d meetings (%d instances in them), %d "
                        + "idle instances, %d partitions; %d ticks per partition (%s of ticks every %d s), replayed "
                        + "at once; the tables' %d events took %.1f s before%n%n", meetings, 2 * meetings, idle,
                        PARTITIONS, ticks, Duration.ofSeconds(ticks * TICK_INTERVAL.toSeconds()).toString()
                                .substring(2).toLowerCase(Locale.ROOT), TICK_INTERVAL.toSeconds(), tables,
                        tablesSeconds);
                System.out.printf(Locale.ROOT, "| %12s | %9s | %9s | %19s | %23s | %28s |%n", "tick records", "seconds",
                        "ticks/s", "stream threads' CPU", "CPU ms per tick record", "an hour of ticks, replayed in");
                System.out.println("|--------------|-----------|-----------|---------------------|"
                        + "-------------------------|------------------------------|");
                double perHour = 3600.0 / TICK_INTERVAL.toSeconds() * PARTITIONS;
                System.out.printf(Locale.ROOT, "| %12d | %9.1f | %9.0f | %17.1f s | %23.2f | %26.1f s |%n",
                        tickRecords, seconds, tickRecords / seconds, streamCpu, streamCpu * 1000 / tickRecords,
                        perHour * seconds / tickRecords);
                System.out.printf(Locale.ROOT, "%n%s%n", ThreadCpu.header());
                System.out.println(ThreadCpu.table(used, "ticks", seconds, 8));
            }
        }
    }

    /** The meetings, their instances and the idle ones, all an hour before the ticks start. */
    private static long writeTables(String bootstrap, Topics topics, int meetings, int idle) {
        LaunchSpec launch = new LaunchSpec("ami-0abc1234def567890", "t3.large", null, null, null, null, null);
        Instant at = NOW.minus(Duration.ofHours(1));
        long count = 0;
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            for (int m = 0; m < meetings; m++) {
                String id = "m-" + m;
                Instant starts = NOW.plus(Duration.ofDays(2));
                MeetingEvent.Scheduled scheduled = new MeetingEvent.Scheduled(MeetingEvent.SCHEMA_VERSION, "scheduled",
                        id, List.of("teacher", "student"), starts, starts.plus(Duration.ofHours(1)), "me-" + m, at,
                        launch);
                producer.send(new ProducerRecord<>(topics.meetingEvents(), null, at.toEpochMilli(), id,
                        Json.toBytes(scheduled)));
                count++;
                for (String role : List.of("teacher", "student")) {
                    String instance = String.format(Locale.ROOT, "i-%017x", 2L * m + (role.equals("teacher") ? 0 : 1));
                    count += running(producer, topics, instance, at.plusMillis(m),
                            Map.of("Project", "Elephant", "MeetingId", id, "Role", role));
                }
            }
            for (int i = 0; i < idle; i++) {
                // Started as the ticks start: reap.after (two hours here) is not up during their hour.
                String instance = String.format(Locale.ROOT, "i-%017x", 0x1000000000L + i);
                count += running(producer, topics, instance, NOW, Map.of("Project", "Elephant"));
            }
            producer.flush();
        }
        return count;
    }

    private static int running(KafkaProducer<String, byte[]> producer, Topics topics, String id, Instant at,
                               Map<String, String> tags) {
        InstanceEvent e = new InstanceEvent(1, id + "-running", id + "-running", InstanceEvent.SOURCE_EC2, id,
                "running", at, "198.18.0.1", "10.0.0.1", tags, true, null, null, false);
        producer.send(new ProducerRecord<>(topics.instanceEvents(), null, at.toEpochMilli(), id, Json.toBytes(e)));
        return 1;
    }

    private static void writeTicks(String bootstrap, Topics topics, int ticks) {
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            for (int k = 1; k <= ticks; k++) {
                Instant t = NOW.plus(TICK_INTERVAL.multipliedBy(k));
                byte[] value = Json.toBytes(Tick.at(t));
                for (int partition = 0; partition < PARTITIONS; partition++) {
                    producer.send(new ProducerRecord<>(topics.ticks(), partition, t.toEpochMilli(), "tick", value));
                }
            }
            producer.flush();
        }
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "linger.ms", 20, "batch.size", 262_144,
                "max.in.flight.requests.per.connection", 1), new StringSerializer(), new ByteArraySerializer());
    }

    /** Until the topology has processed every event and tick, and what it repartitioned on the way. */
    private static void awaitCaughtUp(Admin admin, String app, Topics topics) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (true) {
            Thread.sleep(100);
            List<String> read = new ArrayList<>(List.of(topics.instanceEvents(), topics.meetingEvents(),
                    topics.ticks()));
            admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(t -> t.startsWith(app + "-") && t.endsWith("-repartition")).forEach(read::add);
            if (TopologyLag.isCaughtUp(admin, app, read)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the topology did not catch up within 30 minutes");
            }
        }
    }
}
