package dev.elephant.bench;

import dev.elephant.events.Topics;
import dev.elephant.standins.kafka.EmbeddedKafkaBroker;
import dev.elephant.topology.ElephantTopology;
import dev.elephant.topology.StreamsProperties;
import dev.elephant.topology.common.TopologyConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        // A first, smaller round on its own topics lets the JIT compile both sides before the measured
        // rounds, so the ratio compares steady work rather than how much code each side has to compile.
        int warmupEvents = Integer.getInteger("warmup.events", events / 5);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(ScratchDirs.create("elephant-bench-topology"),
                Ports.free(), Ports.free(), Duration.ofSeconds(90))) {
            String bootstrap = broker.bootstrapServers();
            Round warmup = warmupEvents > 0 ? Round.run(bootstrap, "warmup.", warmupEvents) : null;
            List<Round> measured = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                measured.add(Round.run(bootstrap, "round" + r + ".", events));
            }
            System.out.printf(Locale.ROOT, "%nTopology on a real broker (KRaft, 1 node, 3 partitions), %d events "
                    + "(%d instances x %d lifecycle events) per round, %d measured rounds%s%n%n", events,
                    events / Ec2Lifecycles.LIFECYCLE.length, Ec2Lifecycles.LIFECYCLE.length, rounds,
                    warmup == null ? ", no warm-up round" : " after a warm-up round of " + warmup.events() + " events");
            System.out.printf(Locale.ROOT, "| %-70s | %10s | %17s | %10s |%n", "run", "events/s", "from first record",
                    "cores busy");
            System.out.println("|------------------------------------------------------------------------|------------|-------------------|------------|");
            if (warmup != null) {
                warmup.print("warm-up: ");
            }
            for (int r = 0; r < rounds; r++) {
                measured.get(r).print("round " + (r + 1) + ": ");
            }
            List<Round> byRatio = measured.stream().sorted(Comparator.comparingDouble(Round::ratio)).toList();
            Round median = byRatio.get(byRatio.size() / 2);
            System.out.printf(Locale.ROOT, "| %-70s | %10.2f | %17.2f | %10s |%n", "median ratio of the measured rounds",
                    median.ratio(), median.steadyRatio(), "");
            System.out.printf(Locale.ROOT, "%nWhere the CPU went in the median round (the largest thread groups)%n%n");
            System.out.println(ThreadCpu.header());
            System.out.println(median.passThrough().threads());
            System.out.println(median.topology().threads());
            System.out.printf(Locale.ROOT, "%nRecords on each topic of the last round afterwards (offsets, transaction "
                    + "markers included): what each run wrote for the same input%n%n");
            String last = "round" + rounds;
            recordsPerTopic(bootstrap).forEach((topic, n) -> {
                if (topic.startsWith(last)) {
                    System.out.printf(Locale.ROOT, "| %-72s | %10d |%n", topic, n);
                }
            });
        }
    }

    /** One pass-through and one topology run over the same log, on topics of their own. */
    private record Round(long events, Rate passThrough, Rate topology) {

        static Round run(String bootstrap, String prefix, int events) throws Exception {
            Topics topics = new Topics(prefix);
            String passThroughTopic = prefix + "passthrough";
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                List<NewTopic> created = new ArrayList<>();
                // Every topic the topology reads or writes, as Elephant creates them (a missing source topic stops it).
                List<String> all = new ArrayList<>(topics.retained());
                all.addAll(topics.compacted());
                all.add(passThroughTopic);
                for (String t : all) {
                    // Kept as Elephant keeps its logs: the events are weeks old by their timestamps.
                    created.add(new NewTopic(t, 3, (short) 1).configs(Map.of("retention.ms", "-1")));
                }
                admin.createTopics(created).all().get();
            }
            int instances = Math.max(1, events / Ec2Lifecycles.LIFECYCLE.length);
            long produced = Ec2Lifecycles.produce(bootstrap, topics.instanceEvents(), instances, 0);
            Rate passThrough = TopologyBenchmark.passThrough(bootstrap, prefix, topics.instanceEvents(), passThroughTopic, produced);
            Rate topology = TopologyBenchmark.topology(bootstrap, prefix, topics, produced);
            return new Round(produced, passThrough, topology);
        }

        double ratio() {
            return topology.total() / passThrough.total();
        }

        double steadyRatio() {
            return topology.steady() / passThrough.steady();
        }

        void print(String label) {
            System.out.printf(Locale.ROOT, "| %-70s | %10.0f | %17.0f | %10.2f |%n",
                    label + "raw consume -> produce pass-through (acks=all)",
                    passThrough.total(), passThrough.steady(), passThrough.coresBusy());
            System.out.printf(Locale.ROOT, "| %-70s | %10.0f | %17.0f | %10.2f |%n",
                    label + "Elephant topology, exactly_once_v2, replay from start",
                    topology.total(), topology.steady(), topology.coresBusy());
            System.out.printf(Locale.ROOT, "| %-70s | %10.2f | %17.2f | %10s |%n", label + "ratio", ratio(),
                    steadyRatio(), "");
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
            Map<String, Double> used = cpu.secondsSinceStart();
            return new Rate(events / wall, events / ((end - first) / 1e9),
                    used.get(ThreadCpu.WHOLE_PROCESS) / wall, ThreadCpu.table(used, phase, wall, 9));
        }
    }

    private static Rate passThrough(String bootstrap, String prefix, String from, String to, long expected) {
        Map<String, Object> consumerProps = Map.of("bootstrap.servers", bootstrap, "group.id", prefix + "passthrough",
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
            long lastProgress = System.nanoTime();
            while (seen < expected) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(60)) {
                    throw new IllegalStateException("pass-through stalled: " + seen + " of " + expected
                            + " records copied from " + from + ", nothing new for 60 s");
                }
                for (ConsumerRecord<String, byte[]> r : records) {
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

    private static Rate topology(String bootstrap, String prefix, Topics topics, long expected) throws Exception {
        String applicationId = prefix.replace('.', '-') + "topology";
        // As Elephant runs it; -D settings only to measure alternatives.
        Properties p = StreamsProperties.of(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), applicationId,
                ScratchDirs.create("elephant-bench-state"), 1, topics.deadLetter());
        for (String name : List.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, StreamsConfig.NUM_STREAM_THREADS_CONFIG,
                StreamsConfig.producerPrefix("linger.ms"), StreamsConfig.producerPrefix("batch.size"))) {
            if (Integer.getInteger(name) != null) {
                p.put(name, Integer.getInteger(name));
            }
        }
        TopologyConfig config = new TopologyConfig(topics, "elephant.test", TopologyConfig.DEFAULT_LINK_TEMPLATE,
                TopologyConfig.AddressKind.PUBLIC, "MeetingId", "Role", 60);
        ThreadCpu cpu = ThreadCpu.start();
        long start = System.nanoTime();
        AtomicLong running = new AtomicLong();
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
            long lastDone = -1;
            long lastProgress = System.nanoTime();
            while (true) {
                Thread.sleep(50);
                var committed = admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS);
                long done = 0;
                for (TopicPartition tp : input) {
                    var c = committed.get(tp);
                    done += c == null ? 0 : c.offset();
                }
                if (done >= expected) {
                    break;
                }
                if (done != lastDone) {
                    lastDone = done;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(120)) {
                    throw new IllegalStateException("topology stalled: committed " + done + " of " + expected
                            + " input offsets, unchanged for 120 s (Kafka Streams state " + streams.state() + ")");
                }
            }
            return Rate.of("topology", expected, start, running.get(), System.nanoTime(), cpu);
        }
    }

}
