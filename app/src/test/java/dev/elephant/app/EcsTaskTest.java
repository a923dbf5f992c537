package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elephant.app.dev.DevStack;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.events.Json;
import dev.elephant.events.Secret;
import dev.elephant.standins.aws.EventBridgeSamples;
import dev.elephant.standins.aws.NetworkInterface;
import dev.elephant.standins.cloudflare.DnsRecord;
import dev.elephant.topology.common.TopologyConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;
/**
 * An ECS task's state changes, as EventBridge delivers them, become its record: the address from its
 * ENI, the tags (project, meeting, role) from the task itself — ECS propagates them from the service or
 * task definition; the ENI it creates for a Fargate task carries none.
 */
class EcsTaskTest {

    private static final String KEY = "k-ecs";
    @TempDir
    Path dataDir;
    private final String prefix = "ecs-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final HttpClient http = HttpClient.newHttpClient();
    private DevStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static final String CLUSTER = "arn:aws:ecs:us-west-2:111122223333:cluster/FargateCluster";

    private static String taskArn(String taskId) {
        return "arn:aws:ecs:us-west-2:111122223333:task/FargateCluster/" + taskId;
    }

    private static String newTaskId() {
        return HexFormat.of().formatHex(UUID.randomUUID().toString().replace("-", "").getBytes()).substring(0, 32);
    }

    private void startStack() throws Exception {
        stack = DevStack.start(new DevStack.Options(dataDir, SharedKafka.bootstrapServers(), "127.0.0.1", 0, 0, 0, 0, 0,
                0, "elephant.test", "X-Elephant-Key", Secret.of(KEY), null, null, ProjectFilter.defaults(),
                TopologyConfig.DEFAULT_LINK_TEMPLATE, "test", prefix, prefix + "app", 3, Duration.ofMillis(300),
                Duration.ofMinutes(10), Duration.ofMinutes(5), null, null));
    }

    private byte[] sample(String file, String taskId, String eni, String eventId) throws Exception {
        ObjectNode event = EventBridgeSamples.readAsOfNow(file);
        event.put("id", eventId);
        ObjectNode detail = (ObjectNode) event.get("detail");
        detail.put("taskArn", taskArn(taskId));
        for (JsonNode d : detail.get("attachments").get(0).get("details")) {
            if (d.get("name").asText().equals("networkInterfaceId")) {
                ((ObjectNode) d).put("value", eni);
            }
        }
        return Json.toBytes(event);
    }

    private int post(byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(stack.apiUrl().resolve("/v1/eventbridge"))
                .header("X-Elephant-Key", KEY).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private Map<String, String> zone() {
        return stack.cloudflare().records().stream()
                .collect(java.util.stream.Collectors.toMap(DnsRecord::name, DnsRecord::content));
    }

    @Test
    void runningTaskGetsARecordForItsEniAddressAndLosesItWhenItStops() throws Exception {
        startStack();
        NetworkInterface eni = stack.aws().createTaskNetworkInterface(Map.of()); // untagged, as Fargate makes it
        String taskId = newTaskId();
        stack.aws().registerEcsTask(CLUSTER, taskArn(taskId), "service:classroom", Map.of("Project", "Elephant"));
        String name = taskId + ".elephant.test";

        assertThat(post(sample("ecs-task-running.json", taskId, eni.id(), "e-1"))).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> eni.publicIp().equals(zone().get(name)));

        stack.aws().deleteNetworkInterface(eni.id()); // Fargate releases the interface as the task stops
        assertThat(post(sample("ecs-task-stopping.json", taskId, eni.id(), "e-2"))).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> !zone().containsKey(name));

        // Queries answer 503 while Kafka Streams rebalances, which a fresh application may still do here.
        HttpRequest query = HttpRequest.newBuilder(stack.opsUrl().resolve("/v1/instances/" + taskId)).build();
        await().atMost(Duration.ofSeconds(30)).until(() -> http.send(query, HttpResponse.BodyHandlers.discarding())
                .statusCode() == 200);
        JsonNode state = Json.mapper().readTree(http.send(query, HttpResponse.BodyHandlers.ofString()).body());
        assertThat(state.get("state").asText()).isEqualTo("DEPROVISIONING");
        assertThat(state.get("record").get("status").asText()).isEqualTo("none");
    }

    @Test
    void aTaskTaggedForAnotherProjectIsAcknowledgedAndNotStored() throws Exception {
        startStack();
        NetworkInterface eni = stack.aws().createTaskNetworkInterface(Map.of("Project", "Elephant")); // the ENI says so,
        String taskId = newTaskId();
        // … but the task's own tags decide.
        stack.aws().registerEcsTask(CLUSTER, taskArn(taskId), "service:billing", Map.of("Project", "Billing"));

        assertThat(post(sample("ecs-task-running.json", taskId, eni.id(), "e-other"))).isEqualTo(202);

        String tagged = newTaskId();
        stack.aws().registerEcsTask(CLUSTER, taskArn(tagged), "service:classroom", Map.of("Project", "Elephant"));
        assertThat(post(sample("ecs-task-running.json", tagged, eni.id(), "e-ours"))).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> zone().containsKey(tagged + ".elephant.test"));
        assertThat(zone()).doesNotContainKey(taskId + ".elephant.test");
        assertThat(TopicReader.readAll(SharedKafka.bootstrapServers(), prefix + "instance-events"))
                .noneMatch(r -> r.key().equals(taskId));
    }

    @Test
    void aMeetingOnTasksTheDevStandInRunsBecomesReadyAndATaskStoppedLeavesIt() throws Exception {
        startStack();
        HttpRequest schedule = HttpRequest.newBuilder(stack.apiUrl().resolve("/v1/meetings"))
                .header("X-Elephant-Key", KEY).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"type\":\"scheduled\",\"meetingId\":\"m-ecs\",\"roles\":[\"teacher\"],"
                                + "\"startsAt\":\"2026-11-22T10:00:00Z\",\"endsAt\":\"2026-11-22T11:00:00Z\"}"))
                .build();
        assertThat(http.send(schedule, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(202);
        HttpRequest join = HttpRequest.newBuilder(stack.apiUrl().resolve("/v1/meetings/m-ecs/join?role=teacher"))
                .build();
        try (EcsClient ecs = EcsClient.builder().endpointOverride(stack.aws().endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("dev", "dev")))
                .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            // What `aws ecs run-task` sends.
            Task task = ecs.runTask(r -> r.taskDefinition("classroom").launchType(LaunchType.FARGATE)
                    .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-0a1b2c3d")
                            .assignPublicIp(AssignPublicIp.ENABLED)))
                    .tags(Tag.builder().key("Project").value("Elephant").build(),
                            Tag.builder().key("MeetingId").value("m-ecs").build(),
                            Tag.builder().key("Role").value("teacher").build()))
                    .tasks().get(0);
            String name = task.taskArn().substring(task.taskArn().lastIndexOf('/') + 1) + ".elephant.test";

            await().atMost(Duration.ofSeconds(60)).until(() -> zone().containsKey(name));
            await().atMost(Duration.ofSeconds(60)).until(() -> http.send(join, HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 302);
            assertThat(http.send(join, HttpResponse.BodyHandlers.discarding()).headers().firstValue("Location"))
                    .contains("https://" + name + ":8443");

            ecs.stopTask(r -> r.task(task.taskArn()));
            await().atMost(Duration.ofSeconds(60)).until(() -> !zone().containsKey(name));
            await().atMost(Duration.ofSeconds(60)).until(() -> http.send(join, HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 425);
        }
    }

    @Test
    void aTaskEventThatNeverArrivedIsRepairedByTheSweep() throws Exception {
        startStack();
        stack.aws().loseTaskEvents("RUNNING", 1);
        try (EcsClient ecs = EcsClient.builder().endpointOverride(stack.aws().endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("dev", "dev")))
                .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            Task task = ecs.runTask(r -> r.taskDefinition("classroom").launchType(LaunchType.FARGATE)
                    .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-0a1b2c3d")
                            .assignPublicIp(AssignPublicIp.ENABLED)))
                    .tags(Tag.builder().key("Project").value("Elephant").build())).tasks().get(0);
            String taskId = task.taskArn().substring(task.taskArn().lastIndexOf('/') + 1);
            HttpRequest query = HttpRequest.newBuilder(stack.opsUrl().resolve("/v1/instances/" + taskId)).build();
            await().atMost(Duration.ofSeconds(60)).until(() -> http.send(query, HttpResponse.BodyHandlers.ofString())
                    .body().contains("ACTIVATING")); // the last event that arrived; RUNNING was lost
            assertThat(zone()).doesNotContainKey(taskId + ".elephant.test");

            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> stack.elephant().sweepNow() == 1);

            await().atMost(Duration.ofSeconds(60)).until(() -> zone().containsKey(taskId + ".elephant.test"));
        }
    }
}
