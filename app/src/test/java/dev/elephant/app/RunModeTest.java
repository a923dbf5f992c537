package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elephant.app.config.RunConfig;
import dev.elephant.app.config.SecretsManagerReader;
import dev.elephant.app.runtime.Elephant;
import dev.elephant.standins.http.FaultPlan;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `elephant run` as production runs it: configured by a YAML file and the environment, the Cloudflare
 * token read from Secrets Manager, AWS credentials from the SDK's default chain, against an existing
 * broker — here the test JVM's broker and the stand-ins, reached through their configured endpoints.
 */
class RunModeTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    private RunFixture run;

    @AfterEach
    void stop() {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void runFromAConfigFileWithTheTokenInSecretsManager() throws Exception {
        String token = "cf-" + UUID.randomUUID();
        run = new RunFixture("run", token, "k-run");
        run.aws.putSecret("elephant/cloudflare", "{\"token\":\"" + token + "\"}");
        Path config = run.config(dir, "  tokenSecret: elephant/cloudflare\n  tokenSecretField: token\n");

        run.elephant = Elephant.start(RunConfig.load(config, Map.of("ELEPHANT_INGEST_KEY", "k-run"),
                new SecretsManagerReader()));

        String id = Ec2Launcher.launch(run.aws, "Project", "Elephant");
        await().atMost(Duration.ofSeconds(60)).until(() -> run.cloudflare.records().stream()
                .anyMatch(r -> r.name().equals(id + "." + RunFixture.DOMAIN)));
        assertThat(run.cloudflare.records())
                .allSatisfy(r -> assertThat(r.comment()).isEqualTo("managed-by=elephant owner=prod"));
    }

    @Test
    void aTokenRotatedInSecretsManagerIsReadAgainWhenCloudflareRefusesTheOldOne() throws Exception {
        String token = "cf-" + UUID.randomUUID();
        run = new RunFixture("rotate", token, "k-rotate");
        run.aws.putSecret("elephant/cloudflare", token);
        Path config = run.config(dir, "  tokenSecret: elephant/cloudflare\n");
        run.elephant = Elephant.start(RunConfig.load(config, Map.of("ELEPHANT_INGEST_KEY", "k-rotate"),
                new SecretsManagerReader()));
        String first = Ec2Launcher.launch(run.aws, "Project", "Elephant");
        await().atMost(Duration.ofSeconds(60)).until(() -> run.cloudflare.records().stream()
                .anyMatch(r -> r.name().equals(first + "." + RunFixture.DOMAIN)));

        String rotated = "cf-" + UUID.randomUUID();
        run.aws.putSecret("elephant/cloudflare", rotated);
        run.cloudflare.rotateToken(rotated);
        String second = Ec2Launcher.launch(run.aws, "Project", "Elephant");

        await().atMost(Duration.ofSeconds(60)).until(() -> run.cloudflare.records().stream()
                .anyMatch(r -> r.name().equals(second + "." + RunFixture.DOMAIN)));
        assertThat(run.cloudflare.requestsAnswered(403)).as("the old token was refused, then replaced").isPositive();
    }

    @Test
    void aDryRunAuditsEveryWriteAsDryRunAndSendsNone() throws Exception {
        run = new RunFixture("dry", "cf-dry", "k-dry");
        Path config = run.config(dir, "");
        run.elephant = Elephant.start(RunConfig.load(config, Map.of("ELEPHANT_INGEST_KEY", "k-dry",
                "ELEPHANT_CLOUDFLARE_TOKEN", "cf-dry", "ELEPHANT_DNS_DRY_RUN", "true"), new SecretsManagerReader()));

        String id = Ec2Launcher.launch(run.aws, "Project", "Elephant");
        String name = id + "." + RunFixture.DOMAIN;
        await().atMost(Duration.ofSeconds(60)).until(() -> TopicReader.readAll(SharedKafka.bootstrapServers(),
                run.prefix + "dns-mutations").stream().anyMatch(r -> r.key().equals(name)));

        var audit = TopicReader.readAll(SharedKafka.bootstrapServers(), run.prefix + "dns-mutations").stream()
                .filter(r -> r.key().equals(name)).map(r -> r.value()).toList();
        assertThat(audit).allSatisfy(v -> assertThat(v).contains("\"phase\":\"dry-run\"").contains("\"create\""));
        assertThat(run.cloudflare.writeRequestCount()).isZero();
        assertThat(run.cloudflare.records()).isEmpty();
    }

    @Test
    void aDnsSinkBehindItsBoundIsReportedOnHealthWhileReadinessStaysUp() throws Exception {
        run = new RunFixture("lag", "cf-lag", "k-lag");
        Path config = run.config(dir, "");
        run.elephant = Elephant.start(RunConfig.load(config, Map.of("ELEPHANT_INGEST_KEY", "k-lag",
                "ELEPHANT_CLOUDFLARE_TOKEN", "cf-lag", "ELEPHANT_DNS_READY_LAG_BOUND", "PT3S"),
                new SecretsManagerReader()));
        await().atMost(Duration.ofSeconds(60)).until(() -> readyz().statusCode() == 200);

        run.cloudflare.faults(new FaultPlan(1, 1.0, 0, 0, 0, 0)); // every request answered 5xx
        String id = Ec2Launcher.launch(run.aws, "Project", "Elephant");
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/v1/health").body().contains("\"dnsSink\""));
        assertThat(get("/v1/health").body()).contains("behind " + run.prefix + "dns-desired")
                .as("the provider itself is allowed 60 s of failures before it is named")
                .doesNotContain("dnsProvider");
        assertThat(get("/metrics").body()).containsPattern("elephant_health_problem\\{check=\"dnsSink\",?\\} 1\\.0");
        assertThat(readyz().statusCode()).as("ingest and join do not need the DNS provider").isEqualTo(200);

        run.cloudflare.faults(null);
        await().atMost(Duration.ofSeconds(60)).until(() -> run.cloudflare.records().stream()
                .anyMatch(r -> r.name().equals(id + "." + RunFixture.DOMAIN)));
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/v1/health").body().contains("\"healthy\":true"));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(run.ops(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> readyz() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(run.api("/readyz")).build(), HttpResponse.BodyHandlers.ofString());
    }
}
