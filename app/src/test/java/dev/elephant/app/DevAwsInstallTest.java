package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elephant.app.dev.DevStack;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.events.Secret;
import dev.elephant.topology.common.TopologyConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code elephant aws install} against {@code elephant dev}'s own stand-in: the connection it makes must send
 * the key dev checks (EventBridge does not retry a 401, so a mismatch loses every event), and a caller
 * refused with 401 is visible to the operator.
 */
class DevAwsInstallTest {

    private static final String KEY = "k-dev-install";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;
    private DevStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(stack.opsUrl().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void afterAwsInstallAgainstDevEveryDeliveryCarriesTheKeyDevChecks() throws Exception {
        String prefix = "devinstall-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        stack = DevStack.start(new DevStack.Options(dataDir, SharedKafka.bootstrapServers(), "127.0.0.1", 0, 0, 0, 0, 0,
                0, "elephant.test", "X-Elephant-Key", Secret.of(KEY), null, null, ProjectFilter.defaults(),
                TopologyConfig.DEFAULT_LINK_TEMPLATE, "dev", prefix, prefix + "app", 3, Duration.ofMillis(300),
                Duration.ofMinutes(10), Duration.ofMinutes(5), null, null));

        System.setProperty("aws.accessKeyId", "dev"); // any credentials do, as README's dev section says
        System.setProperty("aws.secretAccessKey", "dev");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute("aws", "install", "--endpoint", stack.aws().endpoint().toString(), "--region",
                "us-east-1", "--api-destination-url", stack.apiUrl().resolve("/v1/eventbridge").toString(),
                "--role-arn", "arn:aws:iam::000000000000:role/elephant-eventbridge");
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).containsPattern("unchanged\\s+ingest key\\s+elephant/ingest-key");

        String id = Ec2Launcher.launch(stack.aws(), "Project", "Elephant");
        await().atMost(Duration.ofSeconds(60)).until(() -> stack.cloudflare().records().stream()
                .anyMatch(r -> r.name().equals(id + ".elephant.test")));
        assertThat(get("/v1/health").body()).doesNotContain("ingestAuth");
    }
}
