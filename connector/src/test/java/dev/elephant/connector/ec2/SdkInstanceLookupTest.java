package dev.elephant.connector.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.standins.aws.AwsStandIn;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;

/** The EC2 lookup through the real SDK client against the strict EC2 stand-in. */
class SdkInstanceLookupTest {

    private AwsStandIn aws;
    private Ec2Client ec2;

    @BeforeEach
    void start() throws Exception {
        aws = AwsStandIn.start(new AwsStandIn.Settings("127.0.0.1", 0, "us-east-1", null, null, "X-Elephant-Key",
                "k", Duration.ofMillis(50), null));
        ec2 = Ec2Client.builder().endpointOverride(aws.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    @AfterEach
    void stop() {
        ec2.close();
        aws.close();
    }

    private String launch() {
        return ec2.runInstances(r -> r.imageId("ami-12345678").minCount(1).maxCount(1)
                .tagSpecifications(t -> t.resourceType(ResourceType.INSTANCE)
                        .tags(Tag.builder().key("Project").value("Elephant").build()))).instances().get(0).instanceId();
    }

    @Test
    void oneUnknownIdInACoalescedLookupCostsNoExtraCallAndTheOthersAreFound() throws Exception {
        String a = launch();
        String b = launch();
        String unknown = "i-0000000000000dead";
        long before = aws.ec2Calls("DescribeInstances");

        Map<String, Optional<InstanceFacts>> found = new SdkInstanceLookup(ec2).describeAll(List.of(a, unknown, b));

        assertThat(aws.ec2Calls("DescribeInstances") - before).as("one call, not one per id").isEqualTo(1);
        assertThat(found.get(a)).isPresent();
        assertThat(found.get(b)).isPresent();
        assertThat(found.get(unknown)).isEmpty();
    }

    @Test
    void moreIdsThanOneCallTakesAreAskedInCallsOfAtMostOneHundred() throws Exception {
        String a = launch();
        List<String> ids = new java.util.ArrayList<>();
        ids.add(a);
        for (int i = 0; i < 150; i++) {
            ids.add(String.format("i-%017x", 0xbeef0000L + i));
        }
        long before = aws.ec2Calls("DescribeInstances");

        Map<String, Optional<InstanceFacts>> found = new SdkInstanceLookup(ec2).describeAll(ids);

        assertThat(aws.ec2Calls("DescribeInstances") - before).isEqualTo(2);
        assertThat(found).hasSize(151);
        assertThat(found.get(a)).isPresent();
    }

    @Test
    void aSingleLookupIsAFilteredCallSoItTakesTheLargerDescribeBucketAndAThrottledOneSaysSo() throws Exception {
        String a = launch();
        aws.requestLimits(dev.elephant.standins.aws.Ec2RequestLimits.documented());
        try (Ec2Client once = Ec2Client.builder().endpointOverride(aws.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(o -> o.retryStrategy(
                        software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()))
                .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            SdkInstanceLookup lookup = new SdkInstanceLookup(once);
            // 60 at once: more than the unfiltered bucket's 50, within the filtered Describe bucket's 100.
            for (int i = 0; i < 60; i++) {
                assertThat(lookup.describe(a)).isPresent();
            }
            assertThat(aws.ec2Throttled("DescribeInstances")).isZero();
            InstanceLookup.LookupUnavailable refused = null;
            for (int i = 0; i < 100 && refused == null; i++) {
                try {
                    lookup.describe(a);
                } catch (InstanceLookup.LookupUnavailable e) {
                    refused = e;
                }
            }
            assertThat(refused).as("the bucket of 100 runs out").isNotNull();
            assertThat(refused.throttled()).isTrue();
            assertThat(refused).hasMessageContaining("RequestLimitExceeded");
        }
    }

    @Test
    void networkInterfacesAreAskedByFilterInOneCallAndOneThatIsGoneIsEmptyNotAFailure() throws Exception {
        String a = aws.createTaskNetworkInterface(Map.of("MeetingId", "m-1")).id();
        String b = aws.createTaskNetworkInterface(Map.of("MeetingId", "m-2")).id();
        String gone = aws.createTaskNetworkInterface(Map.of()).id();
        aws.deleteNetworkInterface(gone);
        long before = aws.ec2Calls("DescribeNetworkInterfaces");

        Map<String, Optional<InstanceFacts>> found = new SdkInstanceLookup(ec2).describeNetworkInterfaces(
                List.of(a, gone, b));

        assertThat(aws.ec2Calls("DescribeNetworkInterfaces") - before).as("one call, not one per interface").isEqualTo(1);
        assertThat(found.get(a)).get().satisfies(f -> {
            assertThat(f.tags()).containsEntry("MeetingId", "m-1");
            assertThat(f.publicIp()).isNotBlank();
        });
        assertThat(found.get(b)).get().extracting(f -> f.tags().get("MeetingId")).isEqualTo("m-2");
        assertThat(found.get(gone)).as("its task stopped: no facts, and the others still found").isEmpty();
        assertThat(new SdkInstanceLookup(ec2).describeNetworkInterface(gone)).isEmpty();
    }
}
