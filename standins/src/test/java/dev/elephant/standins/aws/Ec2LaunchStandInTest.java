package dev.elephant.standins.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;

/**
 * Launches as EC2 answers them, through the real SDK client (retries off, to see each answer): idempotent by client
 * token, from a launch template, refused past the account's quota, failed for want of capacity.
 */
class Ec2LaunchStandInTest {

    private AwsStandIn aws;
    private Ec2Client ec2;

    @BeforeEach
    void start() throws Exception {
        aws = AwsStandIn.start(new AwsStandIn.Settings("127.0.0.1", 0, "us-east-1", null, null, "X-Elephant-Key", "k",
                Duration.ofMillis(100), null));
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

    private static RunInstancesRequest launch(String token, String type) {
        return RunInstancesRequest.builder().imageId("ami-12345678").instanceType(type).minCount(1).maxCount(1)
                .clientToken(token)
                .tagSpecifications(t -> t.resourceType("instance").tags(tag -> tag.key("MeetingId").value("m-1")))
                .build();
    }

    @Test
    void theSameClientTokenAndParametersLaunchOnceAndAnswerTheSameInstances() {
        List<String> first = ec2.runInstances(launch("m-1/teacher/1", "t3.large")).instances().stream()
                .map(Instance::instanceId).toList();
        List<String> again = ec2.runInstances(launch("m-1/teacher/1", "t3.large")).instances().stream()
                .map(Instance::instanceId).toList();

        assertThat(again).isEqualTo(first);
        assertThat(aws.instances()).hasSize(1);
        ec2.runInstances(launch("m-1/teacher/2", "t3.large"));
        assertThat(aws.instances()).as("another token is another launch").hasSize(2);
    }

    @Test
    void theSameClientTokenWithOtherParametersIsAMismatchAndLaunchesNothing() {
        ec2.runInstances(launch("m-1/teacher/1", "t3.large"));

        assertThatThrownBy(() -> ec2.runInstances(launch("m-1/teacher/1", "t3.xlarge")))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("IdempotentParameterMismatch");
                });
        assertThat(aws.instances()).hasSize(1);
    }

    @Test
    void launchesPastRunInstancesResourceBucketAreThrottledButARepeatedClientTokenIsNot() {
        aws.launchResources(2, 0.001);
        ec2.runInstances(launch("m-1/teacher/1", "t3.large"));
        ec2.runInstances(launch("m-1/student/1", "t3.large"));

        assertThatThrownBy(() -> ec2.runInstances(launch("m-2/teacher/1", "t3.large")))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(503);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestLimitExceeded");
                });
        assertThat(aws.ec2Throttled("RunInstances")).isEqualTo(1);
        assertThat(ec2.runInstances(launch("m-1/teacher/1", "t3.large")).instances())
                .as("answering an earlier launch launches nothing, so it costs no token").hasSize(1);
        assertThat(aws.instances()).hasSize(2);
    }

    @Test
    void launchesPastTheAccountsQuotaAreRefused() {
        aws.instanceQuota(1);
        ec2.runInstances(launch(null, "t3.large"));

        assertThatThrownBy(() -> ec2.runInstances(launch(null, "t3.large")))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InstanceLimitExceeded");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("allows for 0 more");
                });
    }

    @Test
    void aLaunchWithoutCapacityIsAServerErrorThatLaunchesNothingAndTheNextMaySucceed() {
        aws.failLaunches(1);

        assertThatThrownBy(() -> ec2.runInstances(launch("m-2/student/1", "t3.large")))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(500);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InsufficientInstanceCapacity");
                });
        assertThat(aws.instances()).isEmpty();
        assertThat(ec2.runInstances(launch("m-2/student/1", "t3.large")).instances()).hasSize(1);
    }

    @Test
    void aClientTokenOutlivesARestartOfTheStandIn(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        AwsStandIn.Settings settings = new AwsStandIn.Settings("127.0.0.1", 0, "us-east-1", null, null,
                "X-Elephant-Key", "k", Duration.ofMillis(100), dir.resolve("ec2.json"));
        String first;
        try (AwsStandIn before = AwsStandIn.start(settings); Ec2Client client = client(before)) {
            first = client.runInstances(launch("m-3/teacher/1", "t3.large")).instances().get(0).instanceId();
        }
        try (AwsStandIn after = AwsStandIn.start(settings); Ec2Client client = client(after)) {
            assertThat(client.runInstances(launch("m-3/teacher/1", "t3.large")).instances().get(0).instanceId())
                    .isEqualTo(first);
            assertThat(after.instances()).hasSize(1);
        }
    }

    @Test
    void aLaunchTemplateGivesTheImageTypeAndTagsTheLaunchDoesNotAndAnUnknownOneIsRefused() {
        ec2.createLaunchTemplate(r -> r.launchTemplateName("classroom").launchTemplateData(d -> d
                .imageId("ami-0abc12345").instanceType("t3.large")
                .tagSpecifications(t -> t.resourceType("instance").tags(tag -> tag.key("Project").value("Elephant")))));

        Instance launched = ec2.runInstances(r -> r.minCount(1).maxCount(1)
                .launchTemplate(t -> t.launchTemplateName("classroom"))
                .tagSpecifications(t -> t.resourceType("instance").tags(tag -> tag.key("Role").value("teacher"))))
                .instances().get(0);

        assertThat(launched.imageId()).isEqualTo("ami-0abc12345");
        assertThat(launched.instanceTypeAsString()).isEqualTo("t3.large");
        assertThat(launched.tags()).extracting(t -> t.key() + "=" + t.value())
                .containsExactlyInAnyOrder("Project=Elephant", "Role=teacher");
        assertThatThrownBy(() -> ec2.runInstances(r -> r.minCount(1).maxCount(1)
                .launchTemplate(t -> t.launchTemplateName("no-such-template"))))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("InvalidLaunchTemplateName.NotFoundException"));
        assertThatThrownBy(() -> ec2.createLaunchTemplate(r -> r.launchTemplateName("classroom")
                .launchTemplateData(d -> d.imageId("ami-0abc12345"))))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("InvalidLaunchTemplateName.AlreadyExistsException"));
    }

    private static Ec2Client client(AwsStandIn stand) {
        return Ec2Client.builder().endpointOverride(stand.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }
}
