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
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/** The EC2 stand-in, driven through the real AWS SDK v2 client. */
class AwsStandInTest {

    private final List<JsonNode> delivered = new CopyOnWriteArrayList<>();
    private final List<String> keys = new CopyOnWriteArrayList<>();
    private HttpServer target;
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger maxInFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.Set<String> refusedOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile long holdMillis;
    private volatile boolean refuseFirstAttempts;
    private AwsStandIn aws;
    private Ec2Client ec2;

    @BeforeEach
    void start() throws IOException {
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        target.createContext("/v1/eventbridge", exchange -> {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            JsonNode event = Json.mapper().readTree(exchange.getRequestBody());
            try {
                Thread.sleep(holdMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            if (refuseFirstAttempts && refusedOnce.add(event.path("id").asText())) {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            delivered.add(event);
            keys.add(exchange.getRequestHeaders().getFirst("X-Elephant-Key"));
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        target.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(16));
        target.start();
        aws = AwsStandIn.start(new AwsStandIn.Settings("127.0.0.1", 0, "us-east-1",
                URI.create("http://127.0.0.1:" + target.getAddress().getPort() + "/v1/eventbridge"), null,
                "X-Elephant-Key", "k-123", Duration.ofMillis(200), null));
        ec2 = Ec2Client.builder()
                .endpointOverride(aws.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    @AfterEach
    void stop() {
        ec2.close();
        aws.close();
        target.stop(0);
    }

    private Instance launch(String... tags) {
        var specs = TagSpecification.builder().resourceType(ResourceType.INSTANCE);
        var tagList = new java.util.ArrayList<Tag>();
        for (int i = 0; i < tags.length; i += 2) {
            tagList.add(Tag.builder().key(tags[i]).value(tags[i + 1]).build());
        }
        return ec2.runInstances(r -> r.imageId("ami-12345678").minCount(1).maxCount(1)
                .tagSpecifications(specs.tags(tagList).build())).instances().get(0);
    }

    private Instance describe(String id) {
        DescribeInstancesResponse r = ec2.describeInstances(d -> d.instanceIds(id));
        return r.reservations().get(0).instances().get(0);
    }

    @Test
    void runInstancesGoesFromPendingToRunningWithAddressesAndTags() {
        Instance launched = launch("Project", "Elephant", "Role", "teacher");
        assertThat(launched.instanceId()).matches("i-[0-9a-f]{17}");
        assertThat(launched.state().name()).isEqualTo(InstanceStateName.PENDING);

        await().atMost(Duration.ofSeconds(5)).until(
                () -> describe(launched.instanceId()).state().name() == InstanceStateName.RUNNING);
        Instance running = describe(launched.instanceId());
        assertThat(running.publicIpAddress()).startsWith("198.1");
        assertThat(running.privateIpAddress()).startsWith("10.0.");
        assertThat(running.tags()).contains(Tag.builder().key("Role").value("teacher").build());
    }

    @Test
    void eachStateChangeIsDeliveredAsAnEventBridgeEventWithTheApiKey() {
        Instance launched = launch("Project", "Elephant");
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered.size() >= 2);

        JsonNode running = delivered.get(1);
        assertThat(running.get("detail-type").asText()).isEqualTo("EC2 Instance State-change Notification");
        assertThat(running.get("source").asText()).isEqualTo("aws.ec2");
        assertThat(running.get("detail").get("instance-id").asText()).isEqualTo(launched.instanceId());
        assertThat(running.get("detail").get("state").asText()).isEqualTo("running");
        assertThat(running.get("detail").has("tags")).as("EC2 events carry no tags").isFalse();
        assertThat(keys).containsOnly("k-123");
    }

    @Test
    void deliveriesGoOneAtATimeByDefaultAndManyAtOnceWhenAskedWithEveryAnswerCounted() {
        holdMillis = 200;
        refuseFirstAttempts = true;
        for (int i = 0; i < 4; i++) {
            launch("Project", "Elephant");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> delivered.size() == 8);
        assertThat(maxInFlight.get()).as("in the order they were made").isEqualTo(1);

        maxInFlight.set(0);
        aws.deliveryConcurrency(8);
        for (int i = 0; i < 4; i++) {
            launch("Project", "Elephant");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> delivered.size() == 16);
        assertThat(maxInFlight.get()).as("EventBridge sends many at once").isGreaterThan(1);
        // The target keeps an event before its answer reaches the stand-in, which counts the answer on arrival.
        await().atMost(Duration.ofSeconds(5)).until(() -> aws.deliveriesAnswered(202) == 16);
        assertThat(aws.deliveriesAnswered(503)).as("each event refused once, then retried").isEqualTo(16);
    }

    @Test
    void stopThenStartGivesANewPublicAddress() {
        Instance launched = launch();
        String id = launched.instanceId();
        await().until(() -> describe(id).state().name() == InstanceStateName.RUNNING);
        String before = describe(id).publicIpAddress();

        ec2.stopInstances(s -> s.instanceIds(id));
        await().until(() -> describe(id).state().name() == InstanceStateName.STOPPED);
        assertThat(describe(id).publicIpAddress()).isNull();

        ec2.startInstances(s -> s.instanceIds(id));
        await().until(() -> describe(id).state().name() == InstanceStateName.RUNNING);
        assertThat(describe(id).publicIpAddress()).isNotNull().isNotEqualTo(before);
    }

    @Test
    void describeFiltersByTag() {
        Instance ours = launch("Project", "Elephant");
        launch("Project", "Other");

        var found = ec2.describeInstances(d -> d.filters(Filter.builder().name("tag:Project").values("Elephant").build()))
                .reservations().stream().flatMap(r -> r.instances().stream()).map(Instance::instanceId).toList();

        assertThat(found).containsExactly(ours.instanceId());
    }

    @Test
    void unknownInstanceIsInvalidInstanceIdNotFound() {
        assertThatThrownBy(() -> ec2.describeInstances(d -> d.instanceIds("i-0000000000000dead")))
                .isInstanceOf(Ec2Exception.class)
                .satisfies(e -> assertThat(((Ec2Exception) e).awsErrorDetails().errorCode())
                        .isEqualTo("InvalidInstanceID.NotFound"));
    }

    @Test
    void terminateEndsInTerminated() {
        String id = launch().instanceId();
        ec2.terminateInstances(t -> t.instanceIds(id));
        await().until(() -> describe(id).state().name() == InstanceStateName.TERMINATED);
        await().until(() -> delivered.stream().anyMatch(e -> e.get("detail").get("state").asText().equals("terminated")));
    }
}
