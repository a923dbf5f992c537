package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elephant.app.dev.DevStack;
import dev.elephant.app.dev.FreePort;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.events.Secret;
import dev.elephant.standins.aws.EventBridgeSamples;
import dev.elephant.standins.kafka.EmbeddedKafkaBroker;
import dev.elephant.topology.common.TopologyConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka going away: readiness says so, ingest answers 503 so EventBridge retries, and both recover. */
class BrokerOutageTest {

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private EmbeddedKafkaBroker broker;
    private DevStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private int status(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(stack.apiUrl().resolve(path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpResponse<String> ingest() throws Exception {
        return http.send(HttpRequest.newBuilder(stack.apiUrl().resolve("/v1/eventbridge"))
                .header("X-Elephant-Key", "k-outage")
                .POST(HttpRequest.BodyPublishers.ofByteArray(EventBridgeSamples.read("ec2-running.json"))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private int port;
    private int controller;
    private Path kafkaDir;

    /** A broker of the test's own (it is going to be stopped) and Elephant's dev stack on it, ready. */
    private void startOnItsOwnBroker(String ingestKey, String prefix) throws Exception {
        port = FreePort.find();
        controller = FreePort.find();
        kafkaDir = dir.resolve("kafka");
        broker = EmbeddedKafkaBroker.start(kafkaDir, port, controller, Duration.ofSeconds(60));
        stack = DevStack.start(new DevStack.Options(dir.resolve("dev"), broker.bootstrapServers(), "127.0.0.1", 0, 0, 0,
                0, 0, 0, "elephant.test", "X-Elephant-Key", Secret.of(ingestKey), null, null, ProjectFilter.defaults(),
                TopologyConfig.DEFAULT_LINK_TEMPLATE, "test", prefix, prefix + "app", 3, Duration.ofMillis(300),
                Duration.ofMinutes(10), Duration.ofMinutes(5), null, null));
        await().atMost(Duration.ofSeconds(60)).until(() -> status("/readyz") == 200);
    }

    @Test
    void readinessAndIngestFollowTheBroker() throws Exception {
        startOnItsOwnBroker("k-outage", "outage.");

        broker.close();
        broker = null;
        await().atMost(Duration.ofSeconds(30)).until(() -> status("/readyz") == 503);
        HttpResponse<String> refused = ingest();
        assertThat(refused.statusCode()).as("EventBridge retries a 503").isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();

        broker = EmbeddedKafkaBroker.start(kafkaDir, port, controller, Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(90)).until(() -> status("/readyz") == 200);
        await().atMost(Duration.ofSeconds(30)).until(() -> ingest().statusCode() == 202);
    }

    @Test
    void aBrokerStoppedMidBurstAndStartedAgainLosesNothingAndTheCheckerFindsNothingWrong() throws Exception {
        startOnItsOwnBroker("k-burst", "burst.");

        java.util.List<String> ids = new java.util.ArrayList<>();
        int refusedWhileDown;
        try (var ec2 = Ec2Launcher.client(stack.aws().endpoint())) {
            for (int wave = 0; wave < 4; wave++) {
                ids.addAll(ec2.runInstances(r -> r.imageId("ami-12345678").minCount(10).maxCount(10)
                                .tagSpecifications(t -> t.resourceType("instance")
                                        .tags(tag -> tag.key("Project").value("Elephant"))))
                        .instances().stream().map(software.amazon.awssdk.services.ec2.model.Instance::instanceId)
                        .toList());
                if (wave == 1) {
                    // Mid-burst: the events of this wave are still being delivered when the broker goes away.
                    long attempts = stack.aws().deliveryAttempts();
                    broker.close();
                    broker = null;
                    await().atMost(Duration.ofSeconds(30)).until(() -> status("/readyz") == 503);
                    var terminated = ids.subList(0, 5);
                    ec2.terminateInstances(r -> r.instanceIds(terminated));
                    Thread.sleep(5_000);
                    refusedWhileDown = (int) (stack.aws().deliveryAttempts() - attempts);
                    System.out.printf("broker down: %d delivery attempts refused meanwhile%n", refusedWhileDown);
                    broker = EmbeddedKafkaBroker.start(kafkaDir, port, controller, Duration.ofSeconds(60));
                }
            }
        }

        java.util.List<String> violations = InvariantChecker.awaitConvergence("broker outage", stack.aws(),
                () -> new InvariantChecker.Run(broker.bootstrapServers(), "burst.", "elephant.test",
                        "managed-by=elephant owner=test", ProviderSide.cloudflare(stack.cloudflare()), java.util.List.of(), 0,
                        stack.aws().deliveredEventIds(), stack.aws().deliveryAttemptsById()),
                Duration.ofSeconds(120), () -> true);
        long records = stack.cloudflare().records().size();
        System.out.printf("broker outage mid-burst: %d instances, %d events accepted of %d delivery attempts, "
                        + "%d records, violations %s%n", ids.size(), stack.aws().deliveredEventIds().size(),
                stack.aws().deliveryAttempts(), records, violations);
        assertThat(violations).isEmpty();
        assertThat(records).isEqualTo(ids.size() - 5);
        assertThat(stack.aws().deliveryAttempts()).as("some deliveries were refused while the broker was down")
                .isGreaterThan(stack.aws().deliveredEventIds().size());
        assertThat(status("/readyz")).isEqualTo(200);
    }
}
