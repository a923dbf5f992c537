package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elephant.app.config.RunConfig;
import dev.elephant.app.config.SecretsManagerReader;
import dev.elephant.app.runtime.Elephant;
import dev.elephant.events.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Two Elephant instances with one application id share the tables by partition: a query answers
 * correctly whichever instance receives it, and while a rebalance moves partitions it answers 503
 * with Retry-After, never a wrong or missing answer.
 */
class ScaleOutQueryTest {

    private static final String TOKEN = "cf-scale-out";
    private static final String KEY = "k-scale-out";
    private static final Map<String, String> ENV = Map.of("ELEPHANT_INGEST_KEY", KEY,
            "ELEPHANT_CLOUDFLARE_TOKEN", TOKEN);

    @TempDir
    Path dir;
    private RunFixture run;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void stop() {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void everyInstanceAnswersEveryKeyAndARebalanceYieldsOnly503WithRetryAfter() throws Exception {
        run = new RunFixture("scale", TOKEN, KEY);
        Path configA = run.config(Files.createDirectories(dir.resolve("a")), "");
        RunFixture.Peer peer = run.peer(configA);
        Path configB = peer.config();
        int opsPortB = peer.opsPort();
        run.elephant = Elephant.start(RunConfig.load(configA, ENV, new SecretsManagerReader()));
        run.second = Elephant.start(RunConfig.load(configB, ENV, new SecretsManagerReader()));
        // Queries are on the operations listeners, which the instances also forward to.
        URI a = URI.create("http://127.0.0.1:" + run.opsPort);
        URI b = URI.create("http://127.0.0.1:" + opsPortB);

        List<String> ids;
        try (Ec2Client ec2 = Ec2Launcher.client(run.aws)) {
            ids = Ec2Launcher.launchCoveringPartitions(ec2, 12, 3, "Project", "Elephant");
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> addresses(ids).size() == ids.size());
        Map<String, String> expected = addresses(ids);

        // Both instances answer every key; each forwarded some of them to the other.
        Map<URI, AtomicInteger> forwarded = Map.of(a, new AtomicInteger(), b, new AtomicInteger());
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            forwarded.values().forEach(n -> n.set(0));
            for (URI api : List.of(a, b)) {
                for (String id : ids) {
                    HttpResponse<String> r = get(api, id);
                    assertThat(r.statusCode()).as(api + " " + id + ": " + r.body()).isEqualTo(200);
                    assertCorrect(id, r, expected);
                    if (r.headers().firstValue("X-Elephant-Answered-By").isPresent()) {
                        forwarded.get(api).incrementAndGet();
                    }
                }
            }
            // Until B's first rebalance has given it some partitions, A still owns every key.
            assertThat(forwarded.get(a)).as("queries A forwarded to B").hasPositiveValue();
            assertThat(forwarded.get(b)).as("queries B forwarded to A").hasPositiveValue();
        });

        // Rebalances while queries run: B leaves (A takes every partition), then B comes back.
        AtomicBoolean churning = new AtomicBoolean(true);
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<String> wrong = new CopyOnWriteArrayList<>();
        Thread querier = new Thread(() -> {
            int i = 0;
            while (churning.get()) {
                String id = ids.get(i++ % ids.size());
                try {
                    HttpResponse<String> r = get(a, id);
                    statuses.computeIfAbsent(r.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                    if (r.statusCode() == 200) {
                        assertCorrect(id, r, expected);
                    } else if (r.statusCode() != 503 || r.headers().firstValue("Retry-After").isEmpty()) {
                        wrong.add(r.statusCode() + " " + r.headers().map() + " " + r.body());
                    }
                } catch (AssertionError | Exception e) {
                    wrong.add(id + ": " + e);
                }
            }
        }, "scale-out-querier");
        querier.start();
        run.second.close();
        run.second = null;
        await().atMost(Duration.ofSeconds(60)).until(() -> allAnswer(a, ids));
        run.second = Elephant.start(RunConfig.load(configB, ENV, new SecretsManagerReader()));
        await().atMost(Duration.ofSeconds(60)).until(() -> allAnswer(a, ids) && allAnswer(b, ids));
        churning.set(false);
        querier.join();

        System.out.println("answers during the rebalances, by status: " + statuses);
        assertThat(wrong).as("answers during the rebalances other than a correct 200 or a 503 with Retry-After")
                .isEmpty();
        assertThat(statuses.get(200)).as("correct answers during the rebalances: " + statuses).isNotNull();
    }

    /** The record's address per instance, as the provider holds it. */
    private Map<String, String> addresses(List<String> ids) {
        return run.cloudflare.records().stream()
                .filter(r -> ids.contains(r.name().replace("." + RunFixture.DOMAIN, "")))
                .collect(Collectors.toMap(r -> r.name().replace("." + RunFixture.DOMAIN, ""),
                        r -> r.content(), (x, y) -> x + "," + y));
    }

    private static void assertCorrect(String id, HttpResponse<String> r, Map<String, String> expected) throws Exception {
        JsonNode body = Json.mapper().readTree(r.body());
        assertThat(body.path("instanceId").asText()).isEqualTo(id);
        assertThat(body.path("state").asText()).isEqualTo("running");
        assertThat(body.path("record").path("content").asText()).isEqualTo(expected.get(id));
    }

    private boolean allAnswer(URI api, List<String> ids) {
        try {
            for (String id : ids) {
                if (get(api, id).statusCode() != 200) {
                    return false;
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private HttpResponse<String> get(URI api, String id) throws Exception {
        return http.send(HttpRequest.newBuilder(api.resolve("/v1/instances/" + id)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
