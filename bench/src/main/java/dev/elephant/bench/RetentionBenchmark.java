package dev.elephant.bench;

import dev.elephant.app.runtime.TopologyLag;
import dev.elephant.events.InstanceEvent;
import dev.elephant.events.Json;
import dev.elephant.events.MeetingEvent;
import dev.elephant.events.Tick;
import dev.elephant.events.Topics;
import dev.elephant.standins.kafka.EmbeddedKafkaBroker;
import dev.elephant.topology.ElephantTopology;
import dev.elephant.topology.StreamsProperties;
import dev.elephant.topology.common.TopologyConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Memory and restart: what months of a changing fleet leave in Elephant's tables. N terminated instances over 30 days
 * of event time (the history), then M live ones, two to a meeting for the first K meetings (scheduled on
 * {@code meeting-events}). The topology runs over it with the instance retention (7 days) and, for comparison, with
 * none (100 years); for each: the entries left in {@code instance-state} and {@code meeting-state}, the heap after a
 * full GC, the state directory on disk, and, from a restart on an empty state directory (a new instance or a
 * replaced disk: every store restored from its changelog), the time to serving a query and to the record of an
 * instance that started running at that moment. Prints a table.
 *
 * <p>{@code bench/run retention [terminated] [live] [meetings]}: 1,000,000, 100,000, 50,000 by default.
 */
public final class RetentionBenchmark {

    private static final int PARTITIONS = 6;
    private static final Instant T0 = Instant.parse("2026-09-01T00:00:00Z");
    private static final Duration HISTORY = Duration.ofDays(30);

    private record Row(String retention, long entries, long meetingEntries, long heapMb, long diskMb,
                       long servingMillis, long newRecordMillis) {}

    public static void main(String[] args) throws Exception {
        int terminated = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int live = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int meetings = args.length > 2 ? Integer.parseInt(args[2]) : 50_000;
        if (meetings * 2 > live) {
            throw new IllegalArgumentException("two live instances to a meeting: at most " + live / 2 + " meetings");
        }
        List<Row> rows = new ArrayList<>();
        long events;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(ScratchDirs.create("elephant-bench"),
                Ports.free(), Ports.free(), Duration.ofSeconds(90))) {
            String bootstrap = broker.bootstrapServers();
            Topics topics = new Topics("retention-bench.");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                List<NewTopic> created = new ArrayList<>();
                for (String t : topics.retained()) {
                    // Kept for ever, as Elephant's year of retention keeps them: the events are months old.
                    created.add(new NewTopic(t, PARTITIONS, (short) 1).configs(Map.of("retention.ms", "-1")));
                }
                for (String t : topics.compacted()) {
                    created.add(new NewTopic(t, PARTITIONS, (short) 1).configs(Map.of("cleanup.policy", "compact")));
                }
                admin.createTopics(created).all().get();
            }
            events = produce(bootstrap, topics, terminated, live, meetings);
            System.err.printf(Locale.ROOT, "%,d events written%n", events);
            rows.add(run(bootstrap, topics, "P7D (default)", Duration.ofDays(7), events));
            rows.add(run(bootstrap, topics, "none (P36500D)", Duration.ofDays(36_500), events));
        }
        print(terminated, live, meetings, events, rows);
    }

    /** Each record's timestamp is its event time, as the connector's are (it writes them as they happen). */
    private static long produce(String bootstrap, Topics topics, int terminated, int live, int meetings) {
        long count = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "linger.ms", 20, "batch.size", 262_144, "max.in.flight.requests.per.connection", 1,
                "compression.type", "lz4"), new StringSerializer(), new ByteArraySerializer())) {
            long spacing = HISTORY.toMillis() / Math.max(1, terminated);
            for (int i = 0; i < terminated; i++) {
                Instant at = T0.plusMillis(i * spacing);
                count += send(producer, topics, String.format(Locale.ROOT, "i-%017x", i), "running", at, true);
                count += send(producer, topics, String.format(Locale.ROOT, "i-%017x", i), "terminated",
                        at.plusSeconds(600), false);
            }
            Instant now = T0.plus(HISTORY);
            for (int m = 0; m < meetings; m++) {
                String id = "m-" + m;
                MeetingEvent.Scheduled scheduled = new MeetingEvent.Scheduled(MeetingEvent.SCHEMA_VERSION, "scheduled",
                        id, List.of("teacher", "student"), now.plus(Duration.ofDays(2)), now.plus(Duration.ofDays(2))
                        .plus(Duration.ofHours(1)), "me-" + m, now);
                producer.send(new ProducerRecord<>(topics.meetingEvents(), null, now.toEpochMilli(), id,
                        Json.toBytes(scheduled)));
                count++;
            }
            for (int j = 0; j < live; j++) {
                Map<String, String> tags = j / 2 < meetings
                        ? Map.of("Project", "Elephant", "MeetingId", "m-" + j / 2, "Role", j % 2 == 0 ? "teacher" : "student")
                        : Map.of("Project", "Elephant");
                count += send(producer, topics, liveId(j), "running", now.plusMillis(j * 10L), true, tags);
            }
            producer.flush();
        }
        return count;
    }

    private static String liveId(int j) {
        return String.format(Locale.ROOT, "i-%017x", 0x1000000000L + j);
    }

    private static int send(KafkaProducer<String, byte[]> producer, Topics topics, String id, String state,
                            Instant at, boolean up) {
        return send(producer, topics, id, state, at, up, Map.of("Project", "Elephant"));
    }

    private static int send(KafkaProducer<String, byte[]> producer, Topics topics, String id, String state,
                            Instant at, boolean up, Map<String, String> tags) {
        String eventId = id + "-" + state;
        InstanceEvent e = new InstanceEvent(1, eventId, eventId, InstanceEvent.SOURCE_EC2, id, state, at,
                up ? "198.18.0.1" : null, "10.0.0.1", tags, true, null, null, false);
        producer.send(new ProducerRecord<>(topics.instanceEvents(), null, at.toEpochMilli(), id, Json.toBytes(e)));
        return 1;
    }

    private static Row run(String bootstrap, Topics topics, String label, Duration retention, long events)
            throws Exception {
        String applicationId = "retention-" + retention.toDays();
        TopologyConfig config = new TopologyConfig(topics, "elephant.test", TopologyConfig.DEFAULT_LINK_TEMPLATE,
                TopologyConfig.AddressKind.PUBLIC, "MeetingId", "Role", 60, TopologyConfig.DEFAULT_MEETING_RETENTION,
                retention);
        Path state = ScratchDirs.create("elephant-bench-state");
        KafkaStreams first = start(bootstrap, topics, config, applicationId, state);
        try {
            awaitCaughtUp(bootstrap, topics, applicationId, events);
        } finally {
            leave(first);
        }
        long diskMb = sizeOf(state) / (1024 * 1024);
        long entries;
        long meetingEntries;
        long heapMb;
        long servingMillis;
        long newRecordMillis;
        // A fresh state directory: every store is restored from its changelog. An instance starts running as the
        // restart begins; its record is what "applying a new record" waits for.
        Path fresh = ScratchDirs.create("elephant-bench-state");
        String newcomer = String.format(Locale.ROOT, "i-%017x", 0x2000000000L + retention.toDays());
        try (KafkaConsumer<String, byte[]> desired = desiredFromNow(bootstrap, topics);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                     new StringSerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            KafkaStreams second = start(bootstrap, topics, config, applicationId, fresh);
            send(producer, topics, newcomer, "running", T0.plus(HISTORY).plus(Duration.ofHours(1)), true);
            producer.flush();
            try {
                awaitServing(second, liveId(0));
                servingMillis = (System.nanoTime() - start) / 1_000_000;
                awaitRecord(desired, newcomer);
                newRecordMillis = (System.nanoTime() - start) / 1_000_000;
                // A tick to every partition, as Elephant's ticker writes every 5 s: the processors build their due
                // indexes (on the heap) at the first tick after a start, so the heap below holds them.
                tick(producer, topics, T0.plus(HISTORY).plus(Duration.ofHours(1)));
                awaitTicked(bootstrap, topics, applicationId);
                entries = entries(second, ElephantTopology.INSTANCE_STATE_STORE);
                meetingEntries = entries(second, ElephantTopology.MEETING_STATE_STORE);
                System.gc();
                heapMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
            } finally {
                leave(second);
            }
        }
        return new Row(label, entries, meetingEntries, heapMb, diskMb, servingMillis, newRecordMillis);
    }

    private static void tick(KafkaProducer<String, byte[]> producer, Topics topics, Instant at) {
        byte[] value = Json.toBytes(Tick.at(at));
        for (int i = 0; i < PARTITIONS; i++) {
            producer.send(new ProducerRecord<>(topics.ticks(), i, at.toEpochMilli(), "tick", value));
        }
        producer.flush();
    }

    /** Until the topology has committed past every tick written. */
    private static void awaitTicked(String bootstrap, Topics topics, String applicationId) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (!TopologyLag.isCaughtUp(admin, applicationId, List.of(topics.ticks()))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the ticks not processed within 5 minutes");
                }
                Thread.sleep(50);
            }
        }
    }

    /** A consumer of {@code dns-desired} from its end now: what the topology writes from here on. */
    private static KafkaConsumer<String, byte[]> desiredFromNow(String bootstrap, Topics topics) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "isolation.level", "read_committed"), new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (int i = 0; i < PARTITIONS; i++) {
            partitions.add(new TopicPartition(topics.dnsDesired(), i));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    private static void awaitRecord(KafkaConsumer<String, byte[]> desired, String instanceId) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        while (System.nanoTime() < deadline) {
            for (var r : desired.poll(Duration.ofMillis(50))) {
                if (r.value() != null && new String(r.value(), java.nio.charset.StandardCharsets.UTF_8)
                        .contains(instanceId)) {
                    return;
                }
            }
        }
        throw new IllegalStateException("no record for " + instanceId + " within 15 minutes");
    }

    /** Until the instance table answers a query for {@code instanceId}: the restore done, queries served. */
    private static void awaitServing(KafkaStreams streams, String instanceId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        while (true) {
            if (streams.state() == KafkaStreams.State.RUNNING) {
                try {
                    ReadOnlyKeyValueStore<String, Object> store = streams.store(StoreQueryParameters.fromNameAndType(
                            ElephantTopology.INSTANCE_STATE_STORE, QueryableStoreTypes.keyValueStore()));
                    if (store.get(instanceId) != null) {
                        return;
                    }
                } catch (RuntimeException notYet) {
                    // rebalancing or restoring: not serving yet
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not serving within 15 minutes: " + streams.state());
            }
            Thread.sleep(20);
        }
    }


    private static KafkaStreams start(String bootstrap, Topics topics, TopologyConfig config, String applicationId,
                                      Path state) {
        Properties p = StreamsProperties.of(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), applicationId,
                state, 1, topics.deadLetter());
        KafkaStreams streams = new KafkaStreams(ElephantTopology.build(config), p);
        streams.start();
        return streams;
    }

    /** As Elephant closes it: leaving the group, so the next start is assigned at once, not after a session timeout. */
    private static void leave(KafkaStreams streams) {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }

    private static long entries(KafkaStreams streams, String storeName) {
        ReadOnlyKeyValueStore<String, Object> store = streams.store(StoreQueryParameters.fromNameAndType(
                storeName, QueryableStoreTypes.keyValueStore()));
        long n = 0;
        try (var all = store.all()) {
            while (all.hasNext()) {
                all.next();
                n++;
            }
        }
        return n;
    }

    private static void awaitCaughtUp(String bootstrap, Topics topics, String applicationId, long expected)
            throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int i = 0; i < PARTITIONS; i++) {
                request.put(new TopicPartition(topics.instanceEvents(), i), OffsetSpec.latest());
                request.put(new TopicPartition(topics.meetingEvents(), i), OffsetSpec.latest());
            }
            long end = admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(o -> o.offset()).sum();
            long lastDone = -1;
            long lastProgress = System.nanoTime();
            AtomicLong done = new AtomicLong();
            while (true) {
                Thread.sleep(200);
                var committed = admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS);
                done.set(0);
                request.keySet().forEach(tp -> {
                    var c = committed.get(tp);
                    done.addAndGet(c == null ? 0 : c.offset());
                });
                if (done.get() >= end) {
                    return;
                }
                if (done.get() != lastDone) {
                    lastDone = done.get();
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(120)) {
                    throw new IllegalStateException("topology stalled at " + done.get() + " of " + end + " (" + expected
                            + " events written)");
                }
            }
        }
    }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }


    private static void print(int terminated, int live, int meetings, long events, List<Row> rows) {
        System.out.printf(Locale.ROOT, "%nMemory and restart: %,d terminated instances over %d days of event time, then "
                + "%,d live, %,d meetings (%,d events, %d partitions)%n%n", terminated, HISTORY.toDays(), live, meetings,
                events, PARTITIONS);
        System.out.println("| retention | instance-state | meeting-state | heap after GC* | state on disk | restart → serving "
                + "queries | restart → new record |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %,d | %,d | %,d MB | %,d MB | %,d ms | %,d ms |%n", r.retention(),
                    r.entries(), r.meetingEntries(), r.heapMb(), r.diskMb(), r.servingMillis(), r.newRecordMillis());
        }
        System.out.println("* of the whole benchmark JVM (-Xmx512m), the embedded broker included; the stores are "
                + "RocksDB, off the heap");
    }
}
