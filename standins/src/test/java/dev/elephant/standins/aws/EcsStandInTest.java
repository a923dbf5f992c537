package dev.elephant.standins.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.elephant.events.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskField;

/** The ECS stand-in runs and stops Fargate tasks, through the real AWS SDK v2 client, and announces every change. */
class EcsStandInTest {

    private final List<JsonNode> delivered = new CopyOnWriteArrayList<>();
    private HttpServer target;
    private AwsStandIn aws;
    private EcsClient ecs;
    private Ec2Client ec2;

    @BeforeEach
    void start() throws IOException {
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        target.createContext("/v1/eventbridge", exchange -> {
            delivered.add(Json.mapper().readTree(exchange.getRequestBody()));
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        target.start();
        aws = AwsStandIn.start(new AwsStandIn.Settings("127.0.0.1", 0, "us-east-1",
                URI.create("http://127.0.0.1:" + target.getAddress().getPort() + "/v1/eventbridge"), null,
                "X-Elephant-Key", "k-ecs", Duration.ofMillis(100), null));
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        ecs = EcsClient.builder().endpointOverride(aws.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClientBuilder(ApacheHttpClient.builder()).build();
        ec2 = Ec2Client.builder().endpointOverride(aws.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    @AfterEach
    void stop() {
        ecs.close();
        ec2.close();
        aws.close();
        target.stop(0);
    }

    private Task run(String... tags) {
        return ecs.runTask(r -> r.taskDefinition("meeting-server").launchType(LaunchType.FARGATE).count(1)
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-0a1b2c3d")
                        .assignPublicIp(AssignPublicIp.ENABLED)))
                .tags(Tag.builder().key(tags[0]).value(tags[1]).build())).tasks().get(0);
    }

    private List<String> statuses(String taskArn) {
        return delivered.stream().filter(e -> e.path("detail").path("taskArn").asText().equals(taskArn))
                .map(e -> e.path("detail").path("lastStatus").asText() + "/" + e.path("detail").path("desiredStatus").asText())
                .toList();
    }

    @Test
    void aRunTaskGoesThroughItsLifecycleWithAnInterfaceAndStopTaskEndsIt() {
        Task task = run("Project", "Elephant");
        assertThat(task.lastStatus()).isEqualTo("PROVISIONING");
        String eni = task.attachments().get(0).details().stream().filter(d -> d.name().equals("networkInterfaceId"))
                .findFirst().orElseThrow().value();
        var networkInterface = ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(eni)).networkInterfaces().get(0);
        assertThat(networkInterface.association().publicIp()).isNotBlank();
        assertThat(networkInterface.privateIpAddress()).isNotBlank();

        await().atMost(Duration.ofSeconds(10)).until(() -> statuses(task.taskArn()).contains("RUNNING/RUNNING"));
        assertThat(statuses(task.taskArn())).containsExactly("PROVISIONING/RUNNING", "PENDING/RUNNING",
                "ACTIVATING/RUNNING", "RUNNING/RUNNING");
        Task described = ecs.describeTasks(r -> r.tasks(task.taskArn()).include(TaskField.TAGS)).tasks().get(0);
        assertThat(described.tags()).extracting(Tag::key).containsExactly("Project");
        assertThat(described.version()).isEqualTo(4L);

        ecs.stopTask(r -> r.task(task.taskArn()).reason("meeting over"));
        await().atMost(Duration.ofSeconds(10)).until(() -> statuses(task.taskArn()).contains("STOPPED/STOPPED"));
        assertThat(statuses(task.taskArn())).endsWith("RUNNING/STOPPED", "DEACTIVATING/STOPPED", "STOPPING/STOPPED",
                "DEPROVISIONING/STOPPED", "STOPPED/STOPPED");
        assertThat(delivered).extracting(e -> e.path("detail").path("version").asLong())
                .as("every change one version on").isSorted();
        assertThatThrownBy(() -> ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(eni)))
                .as("Fargate released the interface").isInstanceOfSatisfying(Ec2Exception.class, e ->
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidNetworkInterfaceID.NotFound"));
    }

    @Test
    void whatEcsRefusesTheStandInRefusesToo() {
        assertThatThrownBy(() -> ecs.runTask(r -> r.taskDefinition("meeting-server").launchType(LaunchType.FARGATE)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("Network Configuration must be provided");
        assertThatThrownBy(() -> ecs.runTask(r -> r.cluster("nowhere").taskDefinition("meeting-server")
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-0a1b2c3d")))))
                .isInstanceOf(ClusterNotFoundException.class);
        assertThatThrownBy(() -> ecs.stopTask(r -> r.task("0123456789abcdef0123456789abcdef")))
                .isInstanceOf(InvalidParameterException.class);
    }
}
