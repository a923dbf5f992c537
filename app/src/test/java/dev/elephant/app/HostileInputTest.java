package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elephant.app.config.RunConfig;
import dev.elephant.app.config.SecretsManagerReader;
import dev.elephant.app.runtime.Elephant;
import dev.elephant.events.DeadLetter;
import dev.elephant.events.HttpServerSettings;
import dev.elephant.events.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest endpoint under attack: well over a thousand generated malformed and hostile bodies, 10 MB
 * bodies with and without a declared length, and slow-loris uploads holding more connections than
 * Elephant has HTTP threads. Every body is refused with a 4xx (or, for the abusive ones, a dropped
 * connection), every body that was read is dead-lettered with a reason, nothing reaches
 * {@code instance-events} or the provider, and Elephant stays healthy and keeps serving.
 * Seeded: {@code -Delephant.hostileSeed=N}.
 */
class HostileInputTest {

    private static final String KEY = "k-hostile";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;
    private RunFixture run;

    @BeforeEach
    void start() throws Exception {
        run = new RunFixture("hostile", "cf-hostile", KEY);
        run.elephant = Elephant.start(RunConfig.load(run.config(dir, ""), Map.of("ELEPHANT_INGEST_KEY", KEY,
                "ELEPHANT_CLOUDFLARE_TOKEN", "cf-hostile"), new SecretsManagerReader()));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> get("/readyz") == 200);
    }

    @AfterEach
    void stop() {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void everyMalformedOrHostileBodyIsRefusedWithAReasonAndNothingReachesTheLogOrTheProvider() throws Exception {
        long seed = Long.getLong("elephant.hostileSeed", 7);
        List<HostileBodies.Body> bodies = HostileBodies.generate(seed, 1_200);
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> accepted = new ArrayList<>();
        for (HostileBodies.Body body : bodies) {
            int status = post(HttpRequest.BodyPublishers.ofByteArray(body.bytes()));
            statuses.merge(status, 1, Integer::sum);
            if (status < 400 || status >= 500) {
                accepted.add(body.kind() + " → " + status + ": " + preview(body.bytes()));
            }
        }
        int tenMegabytes = 10 * 1024 * 1024;
        int declared = post(HttpRequest.BodyPublishers.ofByteArray(new byte[tenMegabytes]));
        int chunked = post(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[tenMegabytes])));

        List<DeadLetter> deadLetters = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            deadLetters.clear();
            TopicReader.readAll(SharedKafka.bootstrapServers(), run.prefix + "dead-letter")
                    .forEach(r -> deadLetters.add(Json.fromBytes(r.value().getBytes(StandardCharsets.UTF_8), DeadLetter.class)));
            return deadLetters.size() >= bodies.size();
        });
        Map<String, Integer> reasons = new TreeMap<>();
        deadLetters.forEach(d -> reasons.merge(d.reason(), 1, Integer::sum));
        System.out.printf("hostile input (seed %d): %d bodies, answers %s, 10 MB declared → %s, 10 MB chunked → %s, "
                        + "%d dead letters by reason %s%n", seed, bodies.size(), statuses, declared < 0 ? "connection dropped" : declared,
                chunked < 0 ? "connection dropped" : chunked, deadLetters.size(), reasons);

        assertThat(accepted).as("bodies not refused with a 4xx").isEmpty();
        // Elephant answers 413 without reading the body, reads (and drops) at most 4 MB of it so the answer
        // can arrive, then hangs up: whether the sender reads the 413 before the reset is a race it may lose.
        assertThat(declared).as("413, or the connection dropped").isIn(413, -1);
        assertThat(chunked).as("413, or the connection dropped after 4 MB").isIn(413, -1);
        assertThat(deadLetters).as("one dead letter per body read (the 10 MB chunked one may add one)")
                .hasSizeBetween(bodies.size(), bodies.size() + 1)
                .allSatisfy(d -> assertThat(d.reason()).isNotBlank());
        assertThat(TopicReader.readAll(SharedKafka.bootstrapServers(), run.prefix + "instance-events")).isEmpty();
        assertThat(run.cloudflare.writeRequestCount()).isZero();
        assertThat(get("/readyz")).isEqualTo(200);

        String id = Ec2Launcher.launch(run.aws, "Project", "Elephant");
        await().atMost(Duration.ofSeconds(60)).until(() -> run.cloudflare.records().stream()
                .anyMatch(r -> r.name().equals(id + "." + RunFixture.DOMAIN)));
    }

    @Test
    void slowLorisUploadsAreCutOffAndElephantKeepsServingMeanwhile() throws Exception {
        int connections = 100; // more than Elephant's 64 HTTP threads
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Socket s = new Socket("127.0.0.1", run.httpPort);
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            String head = "POST /v1/eventbridge HTTP/1.1\r\nHost: elephant\r\nContent-Type: application/json\r\n"
                    + "X-Elephant-Key: " + KEY + "\r\nContent-Length: 100000\r\n\r\n{";
            // Half send their headers slowly, half their body.
            out.write((i % 2 == 0 ? head : "POST /v1/eventbridge HTTP/1.1\r\nHost: el").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            slow.add(s);
        }
        long started = System.nanoTime();
        List<Long> servedAfterMillis = new ArrayList<>();
        long cutOffAfter = -1;
        while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(60)) {
            long t = System.nanoTime();
            int status = get("/healthz");
            assertThat(status).isEqualTo(200);
            servedAfterMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t));
            boolean allClosed = true;
            for (Socket s : slow) {
                if (!s.isClosed()) {
                    try {
                        s.getOutputStream().write(' ');
                        s.getOutputStream().flush();
                        allClosed = false;
                    } catch (IOException e) {
                        s.close(); // Elephant hung up on it
                    }
                }
            }
            if (allClosed) {
                cutOffAfter = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
                break;
            }
            Thread.sleep(1_000);
        }
        for (Socket s : slow) {
            s.close();
        }
        long worst = servedAfterMillis.stream().mapToLong(Long::longValue).max().orElse(-1);
        System.out.printf("slow loris: %d connections dribbling one byte a second; all cut off after %d s; "
                + "/healthz answered %d times meanwhile, slowest in %d ms%n", connections, cutOffAfter,
                servedAfterMillis.size(), worst);
        // The JDK's server checks once a second; a slow client holds a thread for at most the bound.
        long bound = HttpServerSettings.MAX_REQUEST_SECONDS;
        assertThat(cutOffAfter).as("every slow upload cut off after the request time bound").isBetween(0L, bound + 3);
        assertThat(worst).as("/healthz answered meanwhile, at worst once the slow clients were cut off")
                .isLessThan(TimeUnit.SECONDS.toMillis(bound + 3));
        assertThat(get("/readyz")).isEqualTo(200);
    }

    private int post(HttpRequest.BodyPublisher body) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(run.api("/v1/eventbridge")).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json; charset=utf-8").header("X-Elephant-Key", KEY)
                    .POST(body).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1; // the connection was dropped
        }
    }

    private int get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(run.api(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String preview(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
        return text.replaceAll("\\s+", " ");
    }
}
