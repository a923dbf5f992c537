package dev.elephant.sinks.dns.route53;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.elephant.sinks.dns.provider.ProviderException;
import dev.elephant.sinks.dns.provider.ProviderRecord;
import dev.elephant.sinks.dns.provider.RecordBatch;
import dev.elephant.sinks.dns.provider.RecordSpec;
import dev.elephant.standins.aws.AwsStandIn;
import dev.elephant.standins.aws.route53.Route53;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ChangeAction;

/** The Route 53 provider against the Route 53 stand-in, through the real SDK client. */
class Route53ProviderTest {

    private static final String MARK = "managed-by=elephant owner=prod";
    private AwsStandIn aws;
    private Route53Client client;
    private Route53Provider provider;
    private String zoneId;

    @BeforeEach
    void start() throws IOException {
        aws = AwsStandIn.start(new AwsStandIn.Settings("127.0.0.1", 0, "us-east-1", null, null, "X-Elephant-Key",
                "k", Duration.ofMillis(100), null));
        aws.route53().limits(new Route53.Limits(1000, 1000, Duration.ofMillis(200), Duration.ZERO));
        client = Route53Client.builder().endpointOverride(aws.endpoint()).region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
        aws.hostedZone("meet.example.com", false);
        var zone = Route53Provider.findZone(client, null, "meet.example.com", false);
        zoneId = zone.id();
        provider = new Route53Provider(client, zoneId);
    }

    @AfterEach
    void stop() {
        client.close();
        aws.close();
    }

    private RecordBatch.Result create(String name, String content) throws ProviderException {
        return provider.batch(new RecordBatch(List.of(), List.of(), List.of(
                new RecordSpec(name, "A", content, 60, MARK))));
    }

    private void handMade(ChangeAction action, String name, String type, long ttl, String value) {
        client.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(c -> c.action(action)
                .resourceRecordSet(s -> s.name(name).type(type).ttl(ttl).resourceRecords(v -> v.value(value))))));
    }

    @Test
    void aRecordAndItsMarkAreWrittenInOneChangeAndListedTogether() throws Exception {
        // PENDING long enough to be seen after the listings below, however loaded the machine (200 ms was not on CI).
        aws.route53().limits(new Route53.Limits(1000, 1000, Duration.ofSeconds(3), Duration.ZERO));
        RecordBatch.Result result = create("i-1.meet.example.com", "192.0.2.1");

        assertThat(aws.route53().changeRequests()).isEqualTo(1);
        assertThat(aws.route53().recordSets(zoneId)).extracting(Route53.RecordSet::name)
                .contains("i-1.meet.example.com.", "_elephant-a.i-1.meet.example.com.");
        assertThat(provider.recordsAt("i-1.meet.example.com")).singleElement().satisfies(r -> {
            assertThat(r.content()).isEqualTo("192.0.2.1");
            assertThat(r.mark()).isEqualTo(MARK);
        });
        assertThat(provider.recordsMarked(MARK)).extracting(ProviderRecord::name)
                .containsExactly("i-1.meet.example.com");
        assertThat(result.pendingChange()).as("Route 53 answers a change PENDING").isNotNull();
        assertThat(provider.inSync(result.pendingChange())).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> provider.inSync(result.pendingChange()));
    }

    @Test
    void aRecordWithoutTheMarkIsListedAsForeign() throws Exception {
        handMade(ChangeAction.CREATE, "www.meet.example.com", "A", 300, "192.0.2.80");

        assertThat(provider.recordsAt("www.meet.example.com")).singleElement()
                .satisfies(r -> assertThat(r.mark()).isNull());
        assertThat(provider.recordsMarked(MARK)).isEmpty();
    }

    @Test
    void anUpdateOfARecordChangedByHandSinceItWasSeenChangesNothing() throws Exception {
        create("i-1.meet.example.com", "192.0.2.1");
        ProviderRecord seen = provider.recordsAt("i-1.meet.example.com").get(0);
        handMade(ChangeAction.UPSERT, "i-1.meet.example.com", "A", 60, "192.0.2.99");

        assertThatThrownBy(() -> provider.batch(new RecordBatch(List.of(), List.of(new RecordBatch.Patch(seen,
                new RecordSpec("i-1.meet.example.com", "A", "192.0.2.2", 60, MARK))), List.of())))
                .isInstanceOfSatisfying(ProviderException.class, e ->
                        assertThat(e.kind()).isEqualTo(ProviderException.Kind.ALREADY_DONE));
        assertThat(provider.recordsAt("i-1.meet.example.com")).singleElement()
                .satisfies(r -> assertThat(r.content()).isEqualTo("192.0.2.99"));
    }

    @Test
    void aDeleteOfARecordWhoseMarkWasRemovedByHandChangesNothing() throws Exception {
        create("i-1.meet.example.com", "192.0.2.1");
        ProviderRecord seen = provider.recordsAt("i-1.meet.example.com").get(0);
        handMade(ChangeAction.DELETE, "_elephant-a.i-1.meet.example.com", "TXT", 300, "\"" + MARK + "\"");

        assertThatThrownBy(() -> provider.batch(new RecordBatch(List.of(seen), List.of(), List.of())))
                .isInstanceOf(ProviderException.class);
        assertThat(provider.recordsAt("i-1.meet.example.com")).singleElement()
                .satisfies(r -> assertThat(r.mark()).as("now someone else's").isNull());
    }

    @Test
    void aCreateAtANameSomeoneHoldsIsRefusedAndAMarkLeftAloneIsTakenOver() throws Exception {
        handMade(ChangeAction.CREATE, "taken.meet.example.com", "A", 300, "192.0.2.80");
        assertThatThrownBy(() -> create("taken.meet.example.com", "192.0.2.1"))
                .isInstanceOfSatisfying(ProviderException.class, e ->
                        assertThat(e.kind()).isEqualTo(ProviderException.Kind.ALREADY_DONE));

        create("i-2.meet.example.com", "192.0.2.2");
        handMade(ChangeAction.DELETE, "i-2.meet.example.com", "A", 60, "192.0.2.2"); // deleted by hand, mark left
        create("i-2.meet.example.com", "192.0.2.2");
        assertThat(provider.recordsMarked(MARK)).extracting(ProviderRecord::name)
                .containsExactly("i-2.meet.example.com");
    }

    @Test
    void aDeleteRemovesTheRecordAndItsMark() throws Exception {
        create("i-1.meet.example.com", "192.0.2.1");
        ProviderRecord seen = provider.recordsAt("i-1.meet.example.com").get(0);

        provider.batch(new RecordBatch(List.of(seen), List.of(), List.of()));

        assertThat(aws.route53().recordSets(zoneId)).extracting(Route53.RecordSet::name)
                .containsOnly("meet.example.com.");
    }

    @Test
    void aChangeWhileTheZoneIsStillTakingThePreviousOneIsSentAgainAMomentLater() throws Exception {
        aws.route53().limits(new Route53.Limits(1000, 1000, Duration.ofMillis(200), Duration.ofMillis(300)));

        create("i-1.meet.example.com", "192.0.2.1");
        create("i-2.meet.example.com", "192.0.2.2");

        assertThat(aws.route53().priorRequestRefusals()).isPositive();
        assertThat(provider.recordsMarked(MARK)).hasSize(2);
    }

    @Test
    void throttlingIsRetryableAndAMissingZoneBlocksEverything() {
        aws.route53().limits(new Route53.Limits(1, 0.01, Duration.ofMillis(200), Duration.ZERO));
        assertThatThrownBy(() -> {
            provider.recordsAt("a.meet.example.com");
            provider.recordsAt("a.meet.example.com");
        }).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.RETRYABLE);
            assertThat(e.getMessage()).contains("Throttling");
        });
        aws.route53().limits(new Route53.Limits(1000, 1000, Duration.ofMillis(200), Duration.ZERO));
        Route53Provider wrongZone = new Route53Provider(client, "/hostedzone/ZNOSUCHZONE");
        assertThatThrownBy(() -> wrongZone.recordsAt("a.meet.example.com"))
                .isInstanceOfSatisfying(ProviderException.class, e ->
                        assertThat(e.kind()).isEqualTo(ProviderException.Kind.BLOCKED));
    }

    @Test
    void theZoneIsFoundByNameAsPublicOrPrivate() {
        aws.hostedZone("meet.example.com", true);

        assertThat(Route53Provider.findZone(client, null, "meet.example.com", true).config().privateZone()).isTrue();
        assertThat(Route53Provider.findZone(client, null, "meet.example.com", false).config().privateZone()).isFalse();
        assertThatThrownBy(() -> Route53Provider.findZone(client, null, "other.example.com", false))
                .hasMessageContaining("no public Route 53 hosted zone(s) named other.example.com.");
    }
}
