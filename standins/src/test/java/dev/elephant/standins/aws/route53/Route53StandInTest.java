package dev.elephant.standins.aws.route53;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.elephant.standins.aws.AwsStandIn;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeStatus;
import software.amazon.awssdk.services.route53.model.InvalidChangeBatchException;
import software.amazon.awssdk.services.route53.model.PriorRequestNotCompleteException;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;
import software.amazon.awssdk.services.route53.model.Route53Exception;

/** The Route 53 stand-in through the real AWS SDK v2 {@code Route53Client}: as strict as Route 53 documents it. */
class Route53StandInTest {

    private AwsStandIn aws;
    private Route53Client route53;
    private String zoneId;

    @BeforeEach
    void start() throws IOException {
        aws = AwsStandIn.start(new AwsStandIn.Settings("127.0.0.1", 0, "us-east-1", null, null, "X-Elephant-Key",
                "k", Duration.ofMillis(100), null));
        aws.route53().limits(new Route53.Limits(1000, 1000, Duration.ofMillis(300), Duration.ZERO));
        route53 = Route53Client.builder().endpointOverride(aws.endpoint()).region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
        zoneId = route53.createHostedZone(r -> r.name("meet.example.com").callerReference("test-1"))
                .hostedZone().id();
    }

    @AfterEach
    void stop() {
        route53.close();
        aws.close();
    }

    private static Change change(ChangeAction action, String name, String type, long ttl, String... values) {
        List<ResourceRecord> records = new ArrayList<>();
        for (String v : values) {
            records.add(ResourceRecord.builder().value(v).build());
        }
        return Change.builder().action(action).resourceRecordSet(ResourceRecordSet.builder().name(name).type(type)
                .ttl(ttl).resourceRecords(records).build()).build();
    }

    private String apply(Change... changes) {
        return route53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(changes)))
                .changeInfo().id();
    }

    private List<String> names() {
        return route53.listResourceRecordSetsPaginator(r -> r.hostedZoneId(zoneId)).resourceRecordSets().stream()
                .map(s -> s.name() + " " + s.typeAsString()).toList();
    }

    @Test
    void aBatchIsAppliedWholeOrNotAtAllAndNamesEveryProblem() {
        apply(change(ChangeAction.CREATE, "a.meet.example.com", "A", 60, "192.0.2.1"));

        assertThatThrownBy(() -> apply(
                change(ChangeAction.CREATE, "b.meet.example.com", "A", 60, "192.0.2.2"),
                change(ChangeAction.CREATE, "a.meet.example.com", "A", 60, "192.0.2.9"),
                change(ChangeAction.DELETE, "c.meet.example.com", "A", 60, "192.0.2.3")))
                .isInstanceOfSatisfying(InvalidChangeBatchException.class, e -> assertThat(e.getMessage())
                        .contains("Tried to create resource record set [name='a.meet.example.com.', type='A'] but it "
                                + "already exists")
                        .contains("Tried to delete resource record set [name='c.meet.example.com.', type='A'] but it "
                                + "was not found"));

        assertThat(names()).doesNotContain("b.meet.example.com. A").contains("a.meet.example.com. A");
    }

    @Test
    void aDeleteMustNameTheCurrentTtlAndValuesExactly() {
        apply(change(ChangeAction.CREATE, "a.meet.example.com", "A", 60, "192.0.2.1"));

        assertThatThrownBy(() -> apply(change(ChangeAction.DELETE, "a.meet.example.com", "A", 300, "192.0.2.1")))
                .isInstanceOf(InvalidChangeBatchException.class).hasMessageContaining("do not match");
        assertThatThrownBy(() -> apply(change(ChangeAction.DELETE, "a.meet.example.com", "A", 60, "192.0.2.7")))
                .isInstanceOf(InvalidChangeBatchException.class).hasMessageContaining("do not match");

        apply(change(ChangeAction.DELETE, "a.meet.example.com", "A", 60, "192.0.2.1"));
        assertThat(names()).doesNotContain("a.meet.example.com. A");
    }

    @Test
    void aRequestHoldsAtMostAThousandRecordsWithAnUpsertCountingTwice() {
        List<Change> creates = new ArrayList<>();
        List<Change> upserts = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            creates.add(change(ChangeAction.CREATE, "h" + i + ".meet.example.com", "A", 60, "192.0.2.1"));
            upserts.add(change(ChangeAction.UPSERT, "h" + i + ".meet.example.com", "A", 60, "192.0.2.2"));
        }
        route53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(creates)));

        assertThatThrownBy(() -> route53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId)
                .changeBatch(b -> b.changes(upserts))))
                .isInstanceOf(InvalidChangeBatchException.class).hasMessageContaining("limit of 1000");
        route53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId)
                .changeBatch(b -> b.changes(upserts.subList(0, 500))));
    }

    @Test
    void aTxtValueMustBeQuotedAndAnAddressMustBeOne() {
        assertThatThrownBy(() -> apply(change(ChangeAction.CREATE, "t.meet.example.com", "TXT", 60, "unquoted")))
                .isInstanceOf(InvalidChangeBatchException.class).hasMessageContaining("quotation marks");
        assertThatThrownBy(() -> apply(change(ChangeAction.CREATE, "x.meet.example.com", "A", 60, "not-an-ip")))
                .isInstanceOf(InvalidChangeBatchException.class).hasMessageContaining("IPv4");
        assertThatThrownBy(() -> apply(change(ChangeAction.CREATE, "x.other.example.org", "A", 60, "192.0.2.1")))
                .isInstanceOf(InvalidChangeBatchException.class).hasMessageContaining("not permitted in zone");
    }

    @Test
    void aChangeIsPendingUntilInSyncAndDnsAnswersOnlyThen() throws Exception {
        int dnsPort = aws.serveDns(aws.route53().hostedZone(zoneId).orElseThrow(), "127.0.0.1", 0);
        aws.route53().limits(new Route53.Limits(1000, 1000, Duration.ofSeconds(1), Duration.ZERO));

        String id = apply(change(ChangeAction.CREATE, "a.meet.example.com", "A", 60, "192.0.2.1"));

        assertThat(route53.getChange(r -> r.id(id)).changeInfo().status()).isEqualTo(ChangeStatus.PENDING);
        assertThat(names()).as("listings show the current version at once").contains("a.meet.example.com. A");
        assertThat(resolve("a.meet.example.com", dnsPort)).as("not yet on the name servers").isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() ->
                route53.getChange(r -> r.id(id)).changeInfo().status() == ChangeStatus.INSYNC);
        assertThat(resolve("a.meet.example.com", dnsPort)).containsExactly("192.0.2.1");
    }

    @Test
    void listingsSortByReversedNameThenTypeAndPage() {
        apply(change(ChangeAction.CREATE, "b.meet.example.com", "A", 60, "192.0.2.2"),
                change(ChangeAction.CREATE, "_elephant-a.b.meet.example.com", "TXT", 300, "\"mark\""),
                change(ChangeAction.CREATE, "a.meet.example.com", "TXT", 60, "\"x\""),
                change(ChangeAction.CREATE, "a.meet.example.com", "A", 60, "192.0.2.1"));

        var first = route53.listResourceRecordSets(r -> r.hostedZoneId(zoneId).maxItems("3"));
        assertThat(first.isTruncated()).isTrue();
        assertThat(names()).containsExactly("meet.example.com. NS", "meet.example.com. SOA", "a.meet.example.com. A",
                "a.meet.example.com. TXT", "b.meet.example.com. A", "_elephant-a.b.meet.example.com. TXT");
        var fromB = route53.listResourceRecordSets(r -> r.hostedZoneId(zoneId).startRecordName("b.meet.example.com")
                .maxItems("2"));
        assertThat(fromB.resourceRecordSets()).extracting(ResourceRecordSet::name)
                .containsExactly("b.meet.example.com.", "_elephant-a.b.meet.example.com.");
    }

    @Test
    void requestsOverTheAccountRateAreThrottled() {
        aws.route53().limits(new Route53.Limits(5, 5, Duration.ofMillis(100), Duration.ZERO));
        int throttled = 0;
        for (int i = 0; i < 20; i++) {
            try {
                route53.getHostedZone(r -> r.id(zoneId));
            } catch (Route53Exception e) {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Throttling");
                assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Rate exceeded");
                throttled++;
            }
        }
        assertThat(throttled).isGreaterThanOrEqualTo(10);
        assertThat(aws.route53().throttled()).isEqualTo(throttled);
    }

    @Test
    void aChangeWhileTheZoneProcessesThePreviousOneIsRefused() {
        aws.route53().limits(new Route53.Limits(1000, 1000, Duration.ofMillis(100), Duration.ofSeconds(5)));
        apply(change(ChangeAction.CREATE, "a.meet.example.com", "A", 60, "192.0.2.1"));

        assertThatThrownBy(() -> apply(change(ChangeAction.CREATE, "b.meet.example.com", "A", 60, "192.0.2.2")))
                .isInstanceOf(PriorRequestNotCompleteException.class);
    }

    @Test
    void aBodyWithADocumentTypeIsRefusedAsInvalidInput() throws Exception {
        String body = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<ChangeResourceRecordSetsRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
                + "<ChangeBatch><Changes/><Comment>&e;</Comment></ChangeBatch></ChangeResourceRecordSetsRequest>";
        HttpURLConnection c = (HttpURLConnection) URI.create(aws.endpoint() + "/2013-04-01/hostedzone/"
                + zoneId.replace("/hostedzone/", "") + "/rrset")
                .toURL().openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        assertThat(c.getResponseCode()).isEqualTo(400);
        String answer = new String(c.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(answer).contains("<Code>InvalidInput</Code>").doesNotContain("root:");
    }

    private static List<String> resolve(String name, int port) throws Exception {
        SimpleResolver resolver = new SimpleResolver("127.0.0.1");
        resolver.setPort(port);
        Lookup lookup = new Lookup(name + ".", Type.A);
        lookup.setResolver(resolver);
        lookup.setCache(null);
        Record[] records = lookup.run();
        List<String> out = new ArrayList<>();
        if (records != null) {
            for (Record r : records) {
                out.add(r.rdataToString());
            }
        }
        return out;
    }
}
