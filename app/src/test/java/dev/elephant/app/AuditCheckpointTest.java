package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DNS sink's start (and every rebalance) settles open intents; it reads the audit trail from where the last
 * settlement ended, kept in Kafka, so its cost does not grow with a year of audit.
 */
class AuditCheckpointTest {

    private static final String ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
    private static final String TOKEN = "checkpoint-token";
    private final String prefix = "ckpt-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final Topics topics = new Topics(prefix);
    private final Map<String, Object> kafka = Map.of("bootstrap.servers", SharedKafka.bootstrapServers());
    private final OwnershipMark mark = new OwnershipMark("test");
    private CloudflareStandIn cf;
    private MutationAudit audit;

    @BeforeEach
    void start() throws Exception {
        try (Admin admin = Admin.create(kafka)) {
            admin.createTopics(List.of(new NewTopic(topics.dnsDesired(), 1, (short) 1)
                            .configs(Map.of("cleanup.policy", "compact")),
                    new NewTopic(topics.dnsMutations(), 1, (short) 1),
                    new NewTopic(topics.deadLetter(), 1, (short) 1))).all().get();
        }
        cf = CloudflareStandIn.start(CloudflareStandIn.Settings.paidPlan("127.0.0.1", 0, 0, ZONE, "elephant.test",
                TOKEN, null));
        audit = new MutationAudit(kafka, topics.dnsMutations(), topics.deadLetter(), Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        audit.close();
        cf.close();
    }

    private static DnsMutation mutation(String id, DnsMutation.Phase phase, String name) {
        return new DnsMutation(DnsMutation.SCHEMA_VERSION, id, phase, DnsMutation.Action.CREATE, name, "A",
                "198.18.0.1", null, null, "i-0123456789abcdef0", "evt-" + id, "test", null, Instant.now());
    }

    private record Sink(ZoneReconciliation zone, DnsSink sink) implements AutoCloseable {
        @Override
        public void close() {
            sink.close();
            zone.close();
        }
    }

    private Sink startSink() {
        CloudflareProvider provider = new CloudflareProvider(cf.apiBaseUrl(), ZONE, Secret.of(TOKEN));
        DnsReconciler reconciler = new DnsReconciler(provider, new DnsPlanner(mark, "elephant.test"), audit, "test",
                200, Clock.systemUTC(), new SimpleMeterRegistry());
        ZoneReconciliation zone = new ZoneReconciliation(kafka, topics.dnsDesired(), topics.dnsMutations(), provider,
                mark, audit, reconciler, Clock.systemUTC(), prefix + "dns-settled");
        DnsSink sink = new DnsSink(kafka, prefix + "dns-sink", topics.dnsDesired(), reconciler, zone,
                Duration.ofHours(1), Clock.systemUTC());
        sink.start();
        return new Sink(zone, sink);
    }

    private boolean hasOutcome(String mutationId) {
        return TopicReader.readAll(SharedKafka.bootstrapServers(), topics.dnsMutations()).stream()
                .map(r -> Json.fromBytes(r.value().getBytes(), DnsMutation.class))
                .anyMatch(m -> m.mutationId().equals(mutationId) && m.phase().isOutcome());
    }

    @Test
    void aRestartReadsTheAuditOnlyFromWhereTheLastSettlementEnded() throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < 1000; i++) {
                String name = "i-0123456789abcdef0.elephant.test";
                DnsMutation.Phase phase = i % 2 == 0 ? DnsMutation.Phase.INTENT : DnsMutation.Phase.FAILED;
                producer.send(new ProducerRecord<>(topics.dnsMutations(), name,
                        Json.toBytes(mutation("old-" + i / 2, phase, name))));
            }
            producer.flush();

            try (Sink first = startSink()) {
                // What every settlement read, not the last one's: a rebalance soon after the start settles again
                // from the checkpoint the first one saved, and reads nothing.
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(first.zone().settlementRead())
                        .as("audit records the first sink's settlements read (its last reconciliation ended at %s)",
                                first.zone().lastRun())
                        .isGreaterThanOrEqualTo(1000));
            }

            // A crash left one intent without its outcome after that settlement.
            String name = "i-0000000000000beef.elephant.test";
            producer.send(new ProducerRecord<>(topics.dnsMutations(), name,
                    Json.toBytes(mutation("open-1", DnsMutation.Phase.INTENT, name)))).get();
        }

        try (Sink second = startSink()) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(hasOutcome("open-1"))
                    .as("the open intent's outcome (the second sink's last reconciliation ended at %s)",
                            second.zone().lastRun())
                    .isTrue());
            assertThat(second.zone().settlementRead()).as("only what came after the last settlement")
                    .isEqualTo(1);
        }
    }
}
