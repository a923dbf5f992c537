package dev.elephant.standins.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

/**
 * EC2's request token buckets, through the real SDK client with retries off: each action has its own bucket, an
 * unfiltered DescribeInstances a smaller one than a filtered one, and an empty bucket answers RequestLimitExceeded.
 */
class Ec2RequestLimitsTest {

    private AwsStandIn aws;
    private Ec2Client ec2;

    @BeforeEach
    void start() throws Exception {
        aws = AwsStandIn.start(new AwsStandIn.Settings("127.0.0.1", 0, "us-east-1", null, null, "X-Elephant-Key", "k",
                Duration.ofMillis(100), null));
        // Refills far slower than EC2's, so the buckets are counted without racing the clock; sizes as EC2's.
        aws.requestLimits(new Ec2RequestLimits(java.util.Map.of("RunInstances",
                new Ec2RequestLimits.Bucket(5, 0.001)), new Ec2RequestLimits.Bucket(100, 0.001),
                new Ec2RequestLimits.Bucket(50, 0.001), new Ec2RequestLimits.Bucket(50, 0.001)));
        ec2 = Ec2Client.builder().endpointOverride(aws.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    @AfterEach
    void stop() {
        ec2.close();
        aws.close();
    }

    private int succeeded(int calls, Runnable call) {
        int ok = 0;
        for (int i = 0; i < calls; i++) {
            try {
                call.run();
                ok++;
            } catch (Ec2Exception e) {
                assertThat(e.statusCode()).isEqualTo(503);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestLimitExceeded");
            }
        }
        return ok;
    }

    @Test
    void runInstancesHasABucketOfFiveOfItsOwn() {
        assertThat(succeeded(8, () -> ec2.runInstances(r -> r.imageId("ami-12345678").instanceType("t3.micro")
                .minCount(1).maxCount(1)))).isEqualTo(5);
        assertThat(aws.ec2Throttled("RunInstances")).isEqualTo(3);
        assertThat(succeeded(3, () -> ec2.describeInstances(r -> r.filters(f -> f.name("instance-state-name")
                .values("running"))))).as("another action's bucket is untouched").isEqualTo(3);
    }

    @Test
    void anUnfilteredDescribeInstancesTakesTheSmallerBucketAFilteredOneTheLarger() {
        String id = ec2.runInstances(r -> r.imageId("ami-12345678").instanceType("t3.micro").minCount(1).maxCount(1))
                .instances().get(0).instanceId();
        assertThat(succeeded(60, () -> ec2.describeInstances(r -> r.instanceIds(id))))
                .as("ids alone are no filter: 50").isEqualTo(50);
        assertThat(succeeded(110, () -> ec2.describeInstances(r -> r.filters(f -> f.name("tag:Project")
                .values("Elephant"))))).as("filtered: the non-mutating bucket of 100").isEqualTo(100);
    }
}
