package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.elephant.app.config.RunConfig;
import dev.elephant.app.runtime.Elephant;
import dev.elephant.events.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The Cloudflare token and the ingest key never appear in logs, topics, metrics or HTTP answers —
 * also when things go wrong (a rejected token, wrong keys presented).
 */
class SecretsStayOutTest {

    private static final String TOKEN = "TOKEN-4f1c9e-NEVER-PRINT";
    private static final String KEY = "KEY-9b2d7a-NEVER-PRINT";
    @TempDir
    Path dir;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private RunFixture run;

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        if (run != null) {
            run.close();
        }
    }

    private HttpResponse<String> post(int port, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/eventbridge"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("X-Elephant-Key", key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void noSecretInLogsTopicsMetricsOrAnswers() throws Exception {
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        // The provider will refuse the token: errors are where secrets like to leak.
        run = new RunFixture("secrets", "a-different-token", KEY);
        int port = run.httpPort;
        String prefix = run.prefix;
        run.elephant = Elephant.start(RunConfig.load(run.config(dir, ""),
                Map.of("ELEPHANT_INGEST_KEY", KEY, "ELEPHANT_CLOUDFLARE_TOKEN", TOKEN), (id, r, e) -> null));
        Elephant elephant = run.elephant;

        List<String> answers = new ArrayList<>();
        answers.add(post(port, KEY + "x", "{}").body());
        answers.add(post(port, null, "{}").body());
        answers.add(post(port, KEY, "{\"not\":\"an event with " + KEY.substring(0, 4) + "\"}").body());
        String id = Ec2Launcher.launch(run.aws, "Project", "Elephant");
        // The sink tries, is refused (10000), and keeps going; wait until it has tried.
        await().atMost(Duration.ofSeconds(60)).until(() -> logs.list.stream()
                .anyMatch(e -> e.getFormattedMessage().contains("10000")));
        answers.add(http.send(HttpRequest.newBuilder(run.ops("/v1/instances/" + id))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        // The operations page and every endpoint it reads: the refused key's dead letter and the refused write's
        // audit among them.
        for (String path : List.of("/ui/", "/ui/app.js", "/v1/instances", "/v1/records", "/v1/meetings",
                "/v1/mutations?since=PT1H", "/v1/dead-letters?since=PT1H", "/v1/certificates", "/v1/status",
                "/v1/failover")) {
            answers.add(http.send(HttpRequest.newBuilder(run.ops(path)).build(), HttpResponse.BodyHandlers.ofString())
                    .body());
        }
        String metrics = http.send(HttpRequest.newBuilder(run.ops("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String readyz = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString()).body()
                + http.send(HttpRequest.newBuilder(run.ops("/v1/health")).build(),
                HttpResponse.BodyHandlers.ofString()).body();

        StringBuilder everything = new StringBuilder();
        for (ILoggingEvent e : new ArrayList<>(logs.list)) {
            everything.append(e.getFormattedMessage()).append('\n');
            if (e.getThrowableProxy() != null) {
                everything.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
            }
        }
        Topics topics = new Topics(prefix);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
            for (String topic : admin.listTopics().names().get()) {
                if (topic.startsWith(prefix)) {
                    everything.append(topic).append('\n');
                    TopicReader.readAll(SharedKafka.bootstrapServers(), topic)
                            .forEach(r -> everything.append(r.key()).append(' ').append(r.value()).append('\n'));
                }
            }
        }
        everything.append(metrics).append(readyz).append(String.join("\n", answers));
        everything.append(elephant.toString());

        assertThat(everything.toString()).as("what was scanned holds the failures themselves")
                .contains("unauthorized").contains("10000").contains(topics.instanceEvents())
                .contains("Elephant operations").contains("\"instances\"").contains("\"mutations\"")
                .doesNotContain(TOKEN).doesNotContain(KEY);
    }
}
