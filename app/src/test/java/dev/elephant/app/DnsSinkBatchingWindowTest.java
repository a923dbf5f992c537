package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elephant.events.DesiredRecord;
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
import dev.elephant.sinks.dns.provider.DnsProvider;
import dev.elephant.sinks.dns.provider.ProviderException;
import dev.elephant.sinks.dns.provider.ProviderRecord;
import dev.elephant.sinks.dns.provider.RecordBatch;
import dev.elephant.standins.cloudflare.CloudflareStandIn;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
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
 * The DNS sink's batching window is the provider's budget: while the budget lets no request leave, the sink does not
 * take changes one by one into requests that then wait; it waits, and the changes that arrived meanwhile share the
 * next request.
 */
class DnsSinkBatchingWindowTest {

    private static final String ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
    private static final String TOKEN = "window-token";
    private final String prefix = "window-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final Topics topics = new Topics(prefix);
    private final Map<String, Object> kafka = Map.of("bootstrap.servers", SharedKafka.bootstrapServers());
    private final OwnershipMark mark = new OwnershipMark("test");
    private CloudflareStandIn cf;
    private MutationAudit audit;

    /** Cloudflare, with a budget that lets the next request leave only so long from now. */
    private static final class PacedProvider implements DnsProvider {
        private final DnsProvider delegate;
        volatile Duration untilNext = Duration.ZERO;

        PacedProvider(DnsProvider delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public List<ProviderRecord> recordsAt(String name) throws ProviderException {
            return delegate.recordsAt(name);
        }

        @Override
        public List<ProviderRecord> recordsMarked(String m) throws ProviderException {
            return delegate.recordsMarked(m);
        }

        @Override
        public RecordBatch.Result batch(RecordBatch batch) throws ProviderException {
            return delegate.batch(batch);
        }

        @Override
        public Duration untilNextRequest() {
            return untilNext;
        }
    }

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

    private static byte[] desired(String instanceId, int i) {
        return Json.toBytes(new DesiredRecord(DesiredRecord.SCHEMA_VERSION, instanceId + ".elephant.test", "A",
                "198.18.0." + (i + 1), 60, instanceId, "evt-" + instanceId));
    }

    @Test
    void changesArrivingWhileTheBudgetWaitsShareTheNextRequest() throws Exception {
        PacedProvider provider = new PacedProvider(new CloudflareProvider(cf.apiBaseUrl(), ZONE, Secret.of(TOKEN)));
        DnsReconciler reconciler = new DnsReconciler(provider, new DnsPlanner(mark, "elephant.test"), audit, "test",
                200, Clock.systemUTC(), new SimpleMeterRegistry());
        try (ZoneReconciliation zone = new ZoneReconciliation(kafka, topics.dnsDesired(), topics.dnsMutations(), provider,
                     mark, audit, reconciler, Clock.systemUTC(), prefix + "dns-settled");
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka, new StringSerializer(),
                     new ByteArraySerializer())) {
            DnsSink sink = new DnsSink(kafka, prefix + "dns-sink", topics.dnsDesired(), reconciler, zone,
                    Duration.ofHours(1), Clock.systemUTC());
            sink.start();
            try {
                producer.send(new ProducerRecord<>(topics.dnsDesired(), "i-00000000000000000.elephant.test",
                        desired("i-00000000000000000", 0))).get();
                await().atMost(Duration.ofSeconds(60)).until(() -> cf.records().size() == 1);
                long writesBefore = cf.writeRequestCount();

                // From now on the budget lets a request leave only 900 ms after the sink last asked.
                provider.untilNext = Duration.ofMillis(900);
                for (int i = 1; i <= 20; i++) {
                    String id = String.format("i-%017x", i);
                    producer.send(new ProducerRecord<>(topics.dnsDesired(), id + ".elephant.test", desired(id, i)));
                    producer.flush();
                    Thread.sleep(50);
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> cf.records().size() == 21);
                assertThat(cf.writeRequestCount() - writesBefore)
                        .as("20 changes arriving over a second, the budget letting a request leave 900 ms after the sink asked").isLessThanOrEqualTo(3);
            } finally {
                sink.close();
            }
        }
    }
}
