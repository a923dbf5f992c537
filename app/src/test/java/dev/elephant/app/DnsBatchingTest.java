package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elephant.events.DeadLetter;
import dev.elephant.events.DesiredRecord;
import dev.elephant.events.DnsMutation;
import dev.elephant.events.Json;
import dev.elephant.events.Secret;
import dev.elephant.events.Topics;
import dev.elephant.sinks.dns.Desired;
import dev.elephant.sinks.dns.DnsReconciler;
import dev.elephant.sinks.dns.RetryLater;
import dev.elephant.sinks.dns.audit.MutationAudit;
import dev.elephant.sinks.dns.cloudflare.CloudflareProvider;
import dev.elephant.sinks.dns.plan.DnsPlanner;
import dev.elephant.sinks.dns.plan.OwnershipMark;
import dev.elephant.sinks.dns.ratelimit.RequestBudget;
import dev.elephant.standins.cloudflare.CloudflareStandIn;
import dev.elephant.standins.cloudflare.DnsRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The DNS sink's executor against the Cloudflare stand-in, auditing to the real broker. */
class DnsBatchingTest {

    private static final String ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
    private static final String TOKEN = "batching-test-token";
    private final Topics topics = new Topics("batch-" + UUID.randomUUID().toString().substring(0, 8) + ".");
    private final OwnershipMark mark = new OwnershipMark("test");
    private CloudflareStandIn cf;
    private MutationAudit audit;

    @BeforeEach
    void start() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topics.dnsMutations(), 1, (short) 1),
                    new NewTopic(topics.deadLetter(), 1, (short) 1))).all().get();
        }
        audit = new MutationAudit(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()), topics.dnsMutations(),
                topics.deadLetter(), Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        audit.close();
        if (cf != null) {
            cf.close();
        }
    }

    private DnsReconciler reconciler(int maxBatch, RequestBudget budget) {
        CloudflareProvider provider = new CloudflareProvider(cf.apiBaseUrl(), ZONE, Secret.of(TOKEN), 1000, budget);
        return new DnsReconciler(provider, new DnsPlanner(mark, "elephant.test"), audit, "test", maxBatch,
                Clock.systemUTC(), new SimpleMeterRegistry());
    }

    private static List<Desired> desired(int count) {
        List<Desired> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "i-" + HexFormat.of().toHexDigits(i, 17 - 8).replace(' ', '0') + "00000000";
            String name = id + ".elephant.test";
            names.add(new Desired(name, new DesiredRecord(1, name, "A", "198.18." + (i / 250) + "." + (i % 250 + 1), 60,
                    id, "evt-" + i), "evt-" + i));
        }
        return names;
    }

    private List<DnsMutation> auditTrail() {
        return TopicReader.readAll(SharedKafka.bootstrapServers(), topics.dnsMutations()).stream()
                .map(r -> Json.fromBytes(r.value().getBytes(), DnsMutation.class)).toList();
    }

    @Test
    void hundredsOfChangesGoInAsFewRequestsAsThePlanAllows() throws Exception {
        cf = CloudflareStandIn.start(CloudflareStandIn.Settings.paidPlan("127.0.0.1", 0, 0, ZONE, "elephant.test",
                TOKEN, null));
        List<Desired> names = desired(450);

        reconciler(200, null).reconcile(names);

        assertThat(cf.records()).hasSize(450);
        assertThat(cf.writeRequestCount()).as("450 creates in batches of 200").isEqualTo(3);
        List<DnsMutation> trail = auditTrail();
        assertThat(trail).filteredOn(m -> m.phase() == DnsMutation.Phase.INTENT).hasSize(450);
        assertThat(trail).filteredOn(m -> m.phase() == DnsMutation.Phase.APPLIED).hasSize(450)
                .allSatisfy(m -> assertThat(m.providerRecordId()).isNotBlank());
    }

    @Test
    void sameDesiredStateAgainMakesNoProviderCall() throws Exception {
        cf = CloudflareStandIn.start(CloudflareStandIn.Settings.paidPlan("127.0.0.1", 0, 0, ZONE, "elephant.test",
                TOKEN, null));
        DnsReconciler reconciler = reconciler(200, null);
        List<Desired> names = desired(20);
        reconciler.reconcile(names);
        long requests = cf.requestCount();

        reconciler.reconcile(names);

        assertThat(cf.requestCount()).isEqualTo(requests);
        assertThat(auditTrail()).filteredOn(m -> m.phase() == DnsMutation.Phase.NOOP).hasSize(20);
    }

    @Test
    void aDesiredAbsenceTheProviderAlreadyMatchesIsNotAudited() throws Exception {
        cf = CloudflareStandIn.start(CloudflareStandIn.Settings.paidPlan("127.0.0.1", 0, 0, ZONE, "elephant.test",
                TOKEN, null));
        DnsReconciler reconciler = reconciler(200, null);
        // Names of instances that ended long ago: nothing at the provider, nothing wanted. A replay of a long history
        // hands the sink one such name per instance that ever ran.
        List<Desired> gone = desired(20).stream().map(d -> new Desired(d.name(), null, d.causeId())).toList();
        long requests = cf.requestCount();

        reconciler.reconcile(gone);

        assertThat(cf.requestCount()).isEqualTo(requests);
        assertThat(auditTrail()).as("no instance's record waits on a confirmation of an absence").isEmpty();
    }

    @Test
    void aRefusedTokenStopsTheBatchInsteadOfSplittingItAndAsksForASlowRetry() throws Exception {
        cf = CloudflareStandIn.start(CloudflareStandIn.Settings.paidPlan("127.0.0.1", 0, 0, ZONE, "elephant.test",
                "another-token", null));
        List<Desired> names = desired(200);

        assertThatThrownBy(() -> reconciler(200, null).reconcile(names))
                .isInstanceOfSatisfying(RetryLater.class, e -> {
                    assertThat(e.getMessage()).contains("10000");
                    assertThat(e.delay()).isEqualTo(Duration.ofMinutes(1));
                });

        assertThat(cf.requestCount()).as("one refused batch, not 399 requests halving it").isEqualTo(1);
        List<DnsMutation> trail = auditTrail();
        assertThat(trail).filteredOn(m -> m.phase() == DnsMutation.Phase.INTENT).hasSize(200);
        assertThat(trail).filteredOn(m -> m.phase() == DnsMutation.Phase.FAILED).hasSize(200);
        assertThat(TopicReader.readAll(SharedKafka.bootstrapServers(), topics.deadLetter()))
                .as("no change was at fault: nothing is dead-lettered").isEmpty();
    }

    @Test
    void aFullZoneStopsTheBatchInsteadOfSplittingIt() throws Exception {
        // A Free zone holds 200 records.
        cf = CloudflareStandIn.start(CloudflareStandIn.Settings.freePlan("127.0.0.1", 0, 0, ZONE, "elephant.test",
                TOKEN, null));
        List<Desired> names = desired(300);

        assertThatThrownBy(() -> reconciler(100, null).reconcile(names))
                .isInstanceOfSatisfying(RetryLater.class, e -> assertThat(e.getMessage()).contains("81045"));

        assertThat(cf.records()).hasSize(200);
        assertThat(cf.writeRequestCount()).as("two batches taken, the third refused once").isEqualTo(3);
    }

    @Test
    void aRefusedBatchIsSplitAndTheForeignRecordIsLeftAloneAndDeadLettered() throws Exception {
        cf = CloudflareStandIn.start(CloudflareStandIn.Settings.paidPlan("127.0.0.1", 0, 0, ZONE, "elephant.test",
                TOKEN, null));
        List<Desired> names = desired(16);
        Desired taken = names.get(11);
        // Someone holds that name already, with the same address; Elephant's view does not know it.
        cf.createForeignRecord(taken.name(), "A", taken.record().content(), "made by hand");

        reconciler(200, null).reconcile(names);

        Map<String, DnsRecord> zone = cf.records().stream().collect(Collectors.toMap(DnsRecord::name, r -> r));
        assertThat(zone).hasSize(16);
        assertThat(zone.get(taken.name()).comment()).isEqualTo("made by hand");
        assertThat(zone.values()).filteredOn(r -> !r.name().equals(taken.name()))
                .allSatisfy(r -> assertThat(r.comment()).isEqualTo(mark.text()));
        assertThat(cf.writeRequestCount()).as("1 + halving down to the refused change").isLessThanOrEqualTo(10);
        List<DeadLetter> letters = TopicReader.readAll(SharedKafka.bootstrapServers(), topics.deadLetter()).stream()
                .map(r -> Json.fromBytes(r.value().getBytes(), DeadLetter.class)).toList();
        assertThat(letters).singleElement().satisfies(l -> assertThat(l.reason()).isEqualTo("dns-conflict"));
        List<DnsMutation> trail = auditTrail();
        Map<String, List<DnsMutation>> byId = trail.stream().filter(m -> m.phase() != DnsMutation.Phase.NOOP)
                .collect(Collectors.groupingBy(DnsMutation::mutationId));
        byId.values().stream().filter(l -> l.get(0).phase() == DnsMutation.Phase.INTENT)
                .forEach(l -> assertThat(l).as("every intent has one outcome").hasSize(2));
    }

    @Test
    void theRateLimitIsNeverExceeded() throws Exception {
        cf = CloudflareStandIn.start(new CloudflareStandIn.Settings("127.0.0.1", 0, 0, ZONE, "elephant.test", TOKEN,
                null, 3500, 100, 5, 1_000, 3500));
        RequestBudget budget = RequestBudget.perWindow(4, Duration.ofSeconds(1), wait -> { });

        reconciler(1, budget).reconcile(desired(12));

        assertThat(cf.records()).hasSize(12);
        assertThat(auditTrail()).noneMatch(m -> m.error() != null && m.error().contains("429"));
    }
}
