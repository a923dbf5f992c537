package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elephant.events.DesiredRecord;
import dev.elephant.events.DnsMutation;
import dev.elephant.events.Json;
import dev.elephant.events.Topics;
import dev.elephant.sinks.dns.Desired;
import dev.elephant.sinks.dns.DnsReconciler;
import dev.elephant.sinks.dns.audit.MutationAudit;
import dev.elephant.sinks.dns.plan.DnsPlanner;
import dev.elephant.sinks.dns.plan.OwnershipMark;
import dev.elephant.sinks.dns.provider.OwnershipGate;
import dev.elephant.sinks.dns.route53.Route53Provider;
import dev.elephant.standins.aws.AwsStandIn;
import dev.elephant.standins.aws.route53.Route53;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;

/** The DNS sink's executor on Route 53: outcomes wait for INSYNC, and a name has one write open at a time. */
class Route53SyncTest {

    private static final String DOMAIN = "elephant.test";
    private final Topics topics = new Topics("r53sync-" + UUID.randomUUID().toString().substring(0, 8) + ".");
    private AwsStandIn aws;
    private Route53Client client;
    private MutationAudit audit;
    private DnsReconciler reconciler;

    @BeforeEach
    void start() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topics.dnsMutations(), 1, (short) 1),
                    new NewTopic(topics.deadLetter(), 1, (short) 1))).all().get();
        }
        audit = new MutationAudit(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()), topics.dnsMutations(),
                topics.deadLetter(), Duration.ofSeconds(10));
        aws = AwsStandIn.start(new AwsStandIn.Settings("127.0.0.1", 0, "us-east-1", null, null, "X-Elephant-Key",
                "k", Duration.ofMillis(100), null));
        aws.route53().limits(new Route53.Limits(50, 50, Duration.ofMillis(1500), Duration.ZERO));
        aws.hostedZone(DOMAIN, false);
        client = Route53Client.builder().endpointOverride(aws.endpoint()).region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
        var zone = Route53Provider.findZone(client, null, DOMAIN, false);
        OwnershipMark mark = new OwnershipMark("test");
        reconciler = new DnsReconciler(new OwnershipGate(new Route53Provider(client, zone.id()),
                mark.text()), new DnsPlanner(mark, DOMAIN), audit, "test", 250, Clock.systemUTC(),
                new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() {
        audit.close();
        client.close();
        aws.close();
    }

    private static Desired desired(String id, String address) {
        String name = id + "." + DOMAIN;
        return new Desired(name, address == null ? null
                : new DesiredRecord(1, name, "A", address, 60, id, "evt-" + id), "evt-" + id);
    }

    private List<DnsMutation> trail() {
        return TopicReader.readAll(SharedKafka.bootstrapServers(), topics.dnsMutations()).stream()
                .map(r -> Json.fromBytes(r.value().getBytes(), DnsMutation.class)).toList();
    }

    @Test
    void aWriteIsAppliedOnlyOnceItsChangeIsInSync() throws Exception {
        reconciler.reconcile(List.of(desired("i-0aaa00000000000a1", "198.18.0.1"),
                desired("i-0aaa00000000000a2", "198.18.0.2")));
        reconciler.confirmSynced();

        assertThat(trail()).extracting(DnsMutation::phase).containsOnly(DnsMutation.Phase.INTENT);
        assertThat(aws.route53().allInSync()).isFalse();

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            reconciler.confirmSynced();
            return trail().stream().filter(m -> m.phase() == DnsMutation.Phase.APPLIED).count() == 2;
        });
        assertThat(aws.route53().allInSync()).as("applied means in sync").isTrue();
    }

    @Test
    void aNamesNextWriteWaitsUntilItsPreviousChangeIsInSync() throws Exception {
        String id = "i-0bbb00000000000b1";
        reconciler.reconcile(List.of(desired(id, "198.18.0.1")));
        reconciler.reconcile(List.of(desired(id, null))); // terminated at once: the delete waits for the create
        reconciler.reconcile(List.of(desired("i-0bbb00000000000b2", "198.18.0.2"))); // another name does not

        assertThat(aws.route53().changeRequests()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            reconciler.confirmSynced();
            return aws.route53().changeRequests() == 3 && aws.route53().allInSync()
                    && trail().stream().filter(m -> m.phase().isOutcome()).count() == 3;
        });
        Map<String, List<DnsMutation.Phase>> byMutation = trail().stream().collect(Collectors.groupingBy(
                DnsMutation::mutationId, Collectors.mapping(DnsMutation::phase, Collectors.toList())));
        assertThat(byMutation.values()).hasSize(3)
                .allSatisfy(p -> assertThat(p).containsExactly(DnsMutation.Phase.INTENT, DnsMutation.Phase.APPLIED));
        assertThat(aws.route53().recordSets(aws.hostedZone(DOMAIN, false).id())).extracting(Route53.RecordSet::name)
                .doesNotContain(id + "." + DOMAIN + ".").contains("i-0bbb00000000000b2." + DOMAIN + ".");
    }

    @Test
    void aRecordMadeByHandAtADesiredNameIsAReportedConflictAndLeftAlone() throws Exception {
        String id = "i-0ccc00000000000c1";
        String zoneId = aws.hostedZone(DOMAIN, false).id();
        aws.route53().change(zoneId, List.of(new Route53.Change(Route53.Action.CREATE, new Route53.RecordSet(
                id + "." + DOMAIN + ".", "A", 300, List.of("192.0.2.80")))), "by hand");
        long changes = aws.route53().changeRequests();

        reconciler.reconcile(List.of(desired(id, "198.18.0.9")));

        assertThat(aws.route53().changeRequests()).as("nothing written").isEqualTo(changes);
        assertThat(aws.route53().recordSets(zoneId)).filteredOn(r -> r.name().equals(id + "." + DOMAIN + "."))
                .singleElement().satisfies(r -> assertThat(r.values()).containsExactly("192.0.2.80"));
        assertThat(TopicReader.readAll(SharedKafka.bootstrapServers(), topics.deadLetter()))
                .anySatisfy(r -> assertThat(r.value()).contains("dns-conflict").contains("without Elephant's mark"));
    }
}
