package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elephant.app.config.RunConfig;
import dev.elephant.app.config.SecretsManagerReader;
import dev.elephant.app.runtime.Elephant;
import dev.elephant.events.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping (SIGTERM runs {@code Elephant.close}) while events arrive: it ends within a bound, every
 * event that was answered 202 is in the log, and Elephant's consumers have left their groups, so a
 * restart or another instance takes the partitions at once instead of after a session timeout.
 */
class GracefulShutdownTest {

    private static final String KEY = "k-shutdown";
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private RunFixture run;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void stop() {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void stopsWithinItsBoundLosingNoAcceptedEventAndLeavesItsGroups() throws Exception {
        run = new RunFixture("shutdown", "cf-shutdown", KEY, false);
        run.elephant = Elephant.start(RunConfig.load(run.config(dir, ""), Map.of("ELEPHANT_INGEST_KEY", KEY,
                "ELEPHANT_CLOUDFLARE_TOKEN", "cf-shutdown"), new SecretsManagerReader()));
        await().atMost(Duration.ofSeconds(60)).until(run.elephant::isReady);
        String id = Ec2Launcher.launch(run.aws, "Project", "Elephant");

        List<String> accepted = new CopyOnWriteArrayList<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread sender = new Thread(() -> {
            for (int i = 0; sending.get(); i++) {
                String eventId = "evt-shutdown-" + i;
                try {
                    if (deliver(id, eventId) == 202) {
                        accepted.add(eventId);
                    }
                } catch (Exception e) {
                    // refused connections once the API stopped: EventBridge would retry those
                }
            }
        }, "shutdown-sender");
        sender.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() >= 20);

        long start = System.nanoTime();
        run.elephant.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        run.elephant = null;
        sending.set(false);
        sender.join();
        System.out.println("close() took " + took.toMillis() + " ms with " + accepted.size() + " events accepted");

        assertThat(took).isLessThan(BOUND);
        Set<String> logged = TopicReader.readAll(SharedKafka.bootstrapServers(), run.prefix + "instance-events")
                .stream().map(r -> eventIdOf(r.value()))
                .collect(Collectors.toSet());
        assertThat(logged).as("every event answered 202 is in the log").containsAll(accepted);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
            String app = run.prefix + "app";
            Map<String, ConsumerGroupDescription> groups = admin.describeConsumerGroups(List.of(app,
                    app + "-dns-sink", app + "-meeting-links")).all().get();
            assertThat(groups.values()).allSatisfy(g -> assertThat(g.members()).as(g.groupId()).isEmpty());
        }
    }

    private static String eventIdOf(String instanceEvent) {
        try {
            return Json.mapper().readTree(instanceEvent).path("eventId").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private int deliver(String instanceId, String eventId) throws Exception {
        return http.send(HttpRequest.newBuilder(run.api("/v1/eventbridge")).header("X-Elephant-Key", KEY)
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofByteArray(Ec2Launcher.runningEvent(instanceId, eventId)))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
