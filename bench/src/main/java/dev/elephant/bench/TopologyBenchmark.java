package dev.elephant.bench;

import dev.elephant.events.Topics;
import dev.elephant.standins.kafka.EmbeddedKafkaBroker;
import dev.elephant.topology.ElephantTopology;
import dev.elephant.topology.TopologyConfig;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The topology's throughput on a real broker with exactly-once, beside a raw consume→produce pass-through
 * of the same records on the same broker in the same run. The topology run is a replay: it starts from
 * the beginning of a log of EC2 lifecycles (pending, running, stopping, stopped, pending, running,
 * shutting-down, terminated per instance, each with a new address when started again). Prints a table.
 */
public final class TopologyBenchmark {


    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int instances = Math.max(1, events / Ec2Lifecycles.LIFECYCLE.length);
        Topics topics = new Topics("bench.");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Files.createTempDirectory("elephant-bench-topology"),
                freePort(), freePort(), Duration.ofSeconds(90))) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                List<NewTopic> created = new ArrayList<>();
                for (String t : List.of(topics.instanceEvents(), topics.meetingEvents(), topics.dnsDesired(),
                        topics.dnsMutations(), topics.meetingReady(), topics.deadLetter(), "bench.passthrough")) {
                    created.add(new NewTopic(t, 3, (short) 1));
                }
                admin.createTopics(created).all().get();
            }
            long produced = Ec2Lifecycles.produce(bootstrap, topics.instanceEvents(), instances, 0);
            Rate passThrough = passThrough(bootstrap, topics.instanceEvents(), "bench.passthrough", produced);
            Rate topology = topology(bootstrap, topics, produced);
            Map<String, Long> written = recordsPerTopic(bootstrap);
            System.out.printf(Locale.ROOT, "%nTopology on a real broker (KRaft, 1 node, 3 partitions), %d events "
                    + "(%d instances x %d lifecycle events)%n%n", produced, instances, Ec2Lifecycles.LIFECYCLE.length);
            System.out.printf(Locale.ROOT, "| %-52s | %10s | %17s | %10s |%n", "run", "events/s", "from first record",
                    "cores busy");
            System.out.println("|------------------------------------------------------|------------|-------------------|------------|");
            System.out.printf(Locale.ROOT, "| %-52s | %10.0f | %17.0f | %10.2f |%n", "raw consume -> produce pass-through (acks=all)",
                    passThrough.total(), passThrough.steady(), passThrough.coresBusy());
            System.out.printf(Locale.ROOT, "| %-52s | %10.0f | %17.0f | %10.2f |%n", "Elephant topology, exactly_once_v2, replay from start",
                    topology.total(), topology.steady(), topology.coresBusy());
            System.out.printf(Locale.ROOT, "| %-52s | %10.2f | %17.2f | %10s |%n", "ratio", topology.total() / passThrough.total(),
                    topology.steady() / passThrough.steady(), "");
            System.out.printf(Locale.ROOT, "%nWhere the CPU went in each phase (the eight largest thread groups)%n%n");
            System.out.println(ThreadCpu.header());
            System.out.println(passThrough.threads());
            System.out.println(topology.threads());
            System.out.printf(Locale.ROOT, "%nRecords on each topic afterwards (offsets, transaction markers included): "
                    + "what each run wrote for the same input%n%n");
            written.forEach((topic, n) -> System.out.printf(Locale.ROOT, "| %-72s | %10d |%n", topic, n));
        }
    }

    /** Per topic, the sum of its partitions' end offsets. */
    private static Map<String, Long> recordsPerTopic(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
            for (var d : admin.describeTopics(admin.listTopics().names().get()).allTopicNames().get().values()) {
                d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()),
                        org.apache.kafka.clients.admin.OffsetSpec.latest()));
            }
            Map<String, Long> sums = new java.util.TreeMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> sums.merge(tp.topic(), info.offset(), Long::sum));
            return sums;
        }
    }

    /**
     * Events per second over the whole run, and from the first record (without joining the group, opening
     * stores); and the cores the whole JVM kept busy meanwhile (broker included), which says whether the run
     * was bound by CPU (near 2 on this machine) or by waiting.
     */
    private record Rate(double total, double steady, double coresBusy, String threads) {
        static Rate of(String phase, long events, long start, long first, long end, ThreadCpu cpu) {
            double wall = (end - start) / 1e9;
            return new Rate(events / wall, events / ((end - first) / 1e9),
                    cpu.secondsSinceStart().values().iterator().next() / wall, cpu.table(phase, wall, 8));
        }
    }

    private static Rate passThrough(String bootstrap, String from, String to, long expected) {
        Map<String, Object> consumerProps = Map.of("bootstrap.servers", bootstrap, "group.id", "bench-passthrough",
                "auto.offset.reset", "earliest", "enable.auto.commit", false, "max.poll.records", 2000);
        ThreadCpu cpu = ThreadCpu.start();
        long start = System.nanoTime();
        long firstRecord = 0;
        long seen = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                     "acks", "all", "linger.ms", 5), new StringSerializer(), new ByteArraySerializer())) {
            consumer.subscribe(List.of(from));
            while (seen < expected) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (firstRecord == 0) {
                        firstRecord = System.nanoTime();
                    }
                    producer.send(new ProducerRecord<>(to, r.key(), r.value()));
                    seen++;
                }
                producer.flush();
                consumer.commitSync();
            }
        }
        return Rate.of("pass-through", expected, start, firstRecord, System.nanoTime(), cpu);
    }

    private static Rate topology(String bootstrap, Topics topics, long expected) throws Exception {
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-topology");
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("elephant-bench-state").toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Integer.getInteger("commit.interval.ms", 100));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.getInteger("num.stream.threads", 1));
        TopologyConfig config = new TopologyConfig(topics, "elephant.test", TopologyConfig.DEFAULT_LINK_TEMPLATE,
                TopologyConfig.AddressKind.PUBLIC, "MeetingId", "Role", 60);
        ThreadCpu cpu = ThreadCpu.start();
        long start = System.nanoTime();
        java.util.concurrent.atomic.AtomicLong running = new java.util.concurrent.atomic.AtomicLong();
        try (KafkaStreams streams = new KafkaStreams(ElephantTopology.build(config), p);
             Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            // RUNNING: tasks assigned and stores open — where the pass-through's first record compares.
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.RUNNING) {
                    running.compareAndSet(0, System.nanoTime());
                }
            });
            streams.start();
            List<TopicPartition> input = List.of(0, 1, 2).stream()
                    .map(i -> new TopicPartition(topics.instanceEvents(), i)).toList();
            while (true) {
                Thread.sleep(50);
                var committed = admin.listConsumerGroupOffsets("bench-topology").partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS);
                long done = 0;
                for (TopicPartition tp : input) {
                    var c = committed.get(tp);
                    done += c == null ? 0 : c.offset();
                }
                if (done >= expected) {
                    break;
                }
            }
            return Rate.of("topology", expected, start, running.get(), System.nanoTime(), cpu);
        }
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
