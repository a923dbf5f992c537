package dev.elephant.bench;

import dev.elephant.events.DesiredRecord;
import dev.elephant.events.DnsMutation;
import dev.elephant.events.Json;
import dev.elephant.events.Secret;
import dev.elephant.events.Topics;
import dev.elephant.sinks.dns.DnsReconciler;
import dev.elephant.sinks.dns.DnsSink;
import dev.elephant.sinks.dns.ZoneReconciliation;
import dev.elephant.sinks.dns.audit.MutationAudit;
import dev.elephant.sinks.dns.cloudflare.CloudflareProvider;
import dev.elephant.sinks.dns.plan.DnsPlanner;
import dev.elephant.sinks.dns.plan.OwnershipMark;
import dev.elephant.standins.cloudflare.CloudflareStandIn;
import dev.elephant.standins.kafka.EmbeddedKafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The DNS sink's start after months in production: {@code dns-mutations} holds N audit records (intents and
 * their outcomes, as a year of retention keeps them). Measures, for the sink's first start ever (no
 * settlement checkpoint: the whole audit is read once) and for a restart (from the checkpoint): how many
 * audit records its settlement read, and the time from start to a new desired record applied at the
 * provider. Prints a table.
 */
public final class AuditRestartBenchmark {

    private static final String ZONE = "5f1e3a9c0d7b42e8a6c1b0f9e2d4a7c3";
    private static final String TOKEN = "bench-token";
    private static final int PARTITIONS = 6;

    private record Row(String start, long auditRead, long millisToApplied, long heapMb) {}

    public static void main(String[] args) throws Exception {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000L;
        Topics topics = new Topics("audit-bench.");
        List<Row> rows = new ArrayList<>();
        long writeMillis;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(ScratchDirs.create("elephant-bench"),
                Ports.free(), Ports.free(), Duration.ofSeconds(90))) {
            Map<String, Object> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
            try (Admin admin = Admin.create(kafka)) {
                admin.createTopics(List.of(
                        new NewTopic(topics.dnsDesired(), PARTITIONS, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                        new NewTopic(topics.dnsMutations(), PARTITIONS, (short) 1),
                        new NewTopic(topics.deadLetter(), PARTITIONS, (short) 1))).all().get();
            }
            long start = System.nanoTime();
            writeAudit(kafka, topics, n);
            writeMillis = (System.nanoTime() - start) / 1_000_000;
            System.err.printf(Locale.ROOT, "%,d audit records written in %,d ms%n", n, writeMillis);
            try (CloudflareStandIn cf = CloudflareStandIn.start(CloudflareStandIn.Settings.paidPlan("127.0.0.1", 0, 0,
                    ZONE, "elephant.test", TOKEN, null));
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka, new StringSerializer(),
                         new ByteArraySerializer())) {
                rows.add(start("first start (no checkpoint)", kafka, topics, cf, producer, 0));
                rows.add(start("restart (from the checkpoint)", kafka, topics, cf, producer, 1));
                rows.add(start("restart again", kafka, topics, cf, producer, 2));
            }
        }
        print(n, writeMillis, rows);
    }

    /** Intents and their outcomes, as the sink writes them, spread over names (and so partitions). */
    private static void writeAudit(Map<String, Object> kafka, Topics topics, long n) {
        Map<String, Object> props = new java.util.HashMap<>(kafka);
        props.put("linger.ms", 50);
        props.put("batch.size", 512 * 1024);
        props.put("compression.type", "lz4");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            Instant t = Instant.parse("2025-12-01T00:00:00Z");
            for (long i = 0; i < n; i++) {
                long pair = i / 2;
                String id = String.format(Locale.ROOT, "i-%017x", pair % 100_000);
                String name = id + ".elephant.test";
                DnsMutation.Phase phase = i % 2 == 0 ? DnsMutation.Phase.INTENT : DnsMutation.Phase.APPLIED;
                DnsMutation m = new DnsMutation(DnsMutation.SCHEMA_VERSION, "m-" + pair, phase,
                        DnsMutation.Action.CREATE, name, "A", "198.18.0.1", null, phase.isOutcome() ? "rec-" + pair : null,
                        id, "evt-" + pair, "bench", null, t.plusSeconds(pair));
                producer.send(new ProducerRecord<>(topics.dnsMutations(), name, Json.toBytes(m)));
            }
            producer.flush();
        }
    }

    private static Row start(String label, Map<String, Object> kafka, Topics topics, CloudflareStandIn cf,
                             KafkaProducer<String, byte[]> producer, int round) throws Exception {
        OwnershipMark mark = new OwnershipMark("bench");
        try (MutationAudit audit = new MutationAudit(kafka, topics.dnsMutations(), topics.deadLetter(),
                Duration.ofSeconds(10))) {
            CloudflareProvider provider = new CloudflareProvider(cf.apiBaseUrl(), ZONE, Secret.of(TOKEN));
            DnsReconciler reconciler = new DnsReconciler(provider, new DnsPlanner(mark, "elephant.test"), audit, "bench",
                    200, Clock.systemUTC(), new SimpleMeterRegistry());
            System.gc();
            long started = System.nanoTime();
            try (ZoneReconciliation zone = new ZoneReconciliation(kafka, topics.dnsDesired(), topics.dnsMutations(),
                    provider, mark, audit, reconciler, Clock.systemUTC(), "bench-dns-settled");
                 DnsSink sink = new DnsSink(kafka, "bench-dns-sink", topics.dnsDesired(), reconciler, zone,
                         Duration.ofHours(1), Clock.systemUTC())) {
                sink.start();
                // The new record is there from the first moment: it waits for the sink's start, as a launch would.
                String id = String.format(Locale.ROOT, "i-%017x", 0xfeed00L + round);
                String name = id + ".elephant.test";
                producer.send(new ProducerRecord<>(topics.dnsDesired(), null, name,
                        Json.toBytes(new DesiredRecord(1, name, "A", "198.18.1." + (round + 1), 60, id, "evt-new")),
                        new RecordHeaders().add(DesiredRecord.CAUSE_HEADER, "evt-new".getBytes(StandardCharsets.UTF_8))))
                        .get();
                long peak = 0;
                while (cf.records().stream().noneMatch(r -> r.name().equals(name))) {
                    if (System.nanoTime() - started > Duration.ofMinutes(15).toNanos()) {
                        throw new IllegalStateException(label + ": the new record was not applied within 15 minutes");
                    }
                    peak = Math.max(peak, usedHeapMb());
                    Thread.sleep(50);
                }
                long millis = (System.nanoTime() - started) / 1_000_000;
                return new Row(label, zone.lastSettlementRead(), millis, peak);
            }
        }
    }

    private static long usedHeapMb() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
    }


    private static void print(long n, long writeMillis, List<Row> rows) {
        System.out.printf(Locale.ROOT, "%nDNS sink start over %,d audit records on dns-mutations (%d partitions; written"
                + " in %,d ms)%n%n", n, PARTITIONS, writeMillis);
        System.out.printf(Locale.ROOT, "| %-30s | %18s | %28s | %14s |%n", "start", "audit records read",
                "start to new record applied", "heap peak (MB)");
        System.out.println("|--------------------------------|--------------------|------------------------------|"
                + "----------------|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %-30s | %,18d | %,25d ms | %,14d |%n", r.start(), r.auditRead(),
                    r.millisToApplied(), r.heapMb());
        }
    }
}
