package dev.elephant.bench;

import dev.elephant.events.InstanceEvent;
import dev.elephant.events.Json;
import dev.elephant.events.Topics;
import dev.elephant.standins.kafka.EmbeddedKafkaBroker;
import dev.elephant.topology.ElephantTopology;
import dev.elephant.topology.StreamsProperties;
import dev.elephant.topology.common.TopologyConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
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
 * What months of a changing fleet leave in Elephant's table: N terminated instances over 30 days of event time
 * (the history), then M live ones. The topology runs over it with the instance retention (7 days) and, for
 * comparison, with none (100 years); for each: the entries left in {@code instance-state}, the heap after a
 * full GC, the state directory on disk, and the time to restore the stores from their changelogs on a fresh
 * state directory (as a new instance or a replaced disk does). Prints a table.
 */
public final class RetentionBenchmark {

    private static final int PARTITIONS = 6;
    private static final Instant T0 = Instant.parse("2026-09-01T00:00:00Z");
    private static final Duration HISTORY = Duration.ofDays(30);

    private record Row(String retention, long entries, long heapMb, long diskMb, long restoreMillis,
                       long restoredEntries) {}

    public static void main(String[] args) throws Exception {
        int terminated = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int live = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        List<Row> rows = new ArrayList<>();
        long events;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Files.createTempDirectory("elephant-bench"),
                freePort(), freePort(), Duration.ofSeconds(90))) {
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
            events = produce(bootstrap, topics, terminated, live);
            System.err.printf(Locale.ROOT, "%,d events written%n", events);
            rows.add(run(bootstrap, topics, "P7D (default)", Duration.ofDays(7), events));
            rows.add(run(bootstrap, topics, "none (P36500D)", Duration.ofDays(36_500), events));
        }
        print(terminated, live, events, rows);
    }

    /** Each record's timestamp is its event time, as the connector's are (it writes them as they happen). */
    private static long produce(String bootstrap, Topics topics, int terminated, int live) {
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
            for (int j = 0; j < live; j++) {
                count += send(producer, topics, String.format(Locale.ROOT, "i-%017x", 0x1000000000L + j), "running",
                        now.plusMillis(j * 10L), true);
            }
            producer.flush();
        }
        return count;
    }

    private static int send(KafkaProducer<String, byte[]> producer, Topics topics, String id, String state,
                            Instant at, boolean up) {
        String eventId = id + "-" + state;
        InstanceEvent e = new InstanceEvent(1, eventId, eventId, InstanceEvent.SOURCE_EC2, id, state, at,
                up ? "198.18.0.1" : null, "10.0.0.1", Map.of("Project", "Elephant"), true, null, null, false);
        producer.send(new ProducerRecord<>(topics.instanceEvents(), null, at.toEpochMilli(), id, Json.toBytes(e)));
        return 1;
    }

    private static Row run(String bootstrap, Topics topics, String label, Duration retention, long events)
            throws Exception {
        String applicationId = "retention-" + retention.toDays();
        TopologyConfig config = new TopologyConfig(topics, "elephant.test", TopologyConfig.DEFAULT_LINK_TEMPLATE,
                TopologyConfig.AddressKind.PUBLIC, "MeetingId", "Role", 60, TopologyConfig.DEFAULT_MEETING_RETENTION,
                retention);
        Path state = Files.createTempDirectory("elephant-bench-state");
        KafkaStreams first = start(bootstrap, topics, config, applicationId, state);
        try {
            awaitCaughtUp(bootstrap, topics, applicationId, events);
        } finally {
            leave(first);
        }
        long diskMb = sizeOf(state) / (1024 * 1024);
        long entries;
        long heapMb;
        // A fresh state directory: every store is restored from its changelog.
        Path fresh = Files.createTempDirectory("elephant-bench-state");
        long start = System.nanoTime();
        long restoreMillis;
        KafkaStreams second = start(bootstrap, topics, config, applicationId, fresh);
        try {
            awaitRunning(second);
            restoreMillis = (System.nanoTime() - start) / 1_000_000;
            entries = entries(second);
            System.gc();
            heapMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
        } finally {
            leave(second);
        }
        return new Row(label, entries, heapMb, diskMb, restoreMillis, entries);
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

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        while (streams.state() != KafkaStreams.State.RUNNING || entriesQuietly(streams) < 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not RUNNING within 15 minutes: " + streams.state());
            }
            Thread.sleep(50);
        }
    }

    private static long entriesQuietly(KafkaStreams streams) {
        try {
            return entries(streams);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static long entries(KafkaStreams streams) {
        ReadOnlyKeyValueStore<String, Object> store = streams.store(StoreQueryParameters.fromNameAndType(
                ElephantTopology.INSTANCE_STATE_STORE, QueryableStoreTypes.keyValueStore()));
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

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void print(int terminated, int live, long events, List<Row> rows) {
        System.out.printf(Locale.ROOT, "%nInstance retention: %,d terminated instances over %d days of event time, then "
                + "%,d live (%,d events, %d partitions)%n%n", terminated, HISTORY.toDays(), live, events, PARTITIONS);
        System.out.printf(Locale.ROOT, "| %-16s | %15s | %14s | %14s | %20s |%n", "retention", "instance-state",
                "heap after GC*", "state on disk", "restore from changelog");
        System.out.println("|------------------|-----------------|----------------|----------------|"
                + "------------------------|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %-16s | %,15d | %,11d MB | %,11d MB | %,17d ms |%n", r.retention(),
                    r.entries(), r.heapMb(), r.diskMb(), r.restoreMillis());
        }
        System.out.println("* of the whole benchmark JVM, the embedded broker included; the stores are RocksDB, off the heap");
    }
}
