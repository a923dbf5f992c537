package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elephant.app.config.RunConfig;
import dev.elephant.app.config.SecretsManagerReader;
import dev.elephant.app.dev.FreePort;
import dev.elephant.app.runtime.Elephant;
import dev.elephant.standins.aws.AwsStandIn;
import dev.elephant.standins.cloudflare.CloudflareStandIn;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `elephant run` as production runs it: configured by a YAML file and the environment, the Cloudflare
 * token read from Secrets Manager, AWS credentials from the SDK's default chain, against an existing
 * broker — here the test JVM's broker and the stand-ins, reached through their configured endpoints.
 */
class RunModeTest {

    private static final String ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
    @TempDir
    Path dir;
    private CloudflareStandIn cloudflare;
    private AwsStandIn aws;
    private Elephant elephant;

    @BeforeEach
    void credentials() {
        // The default chain's system-property provider: what an operator's environment gives in AWS.
        System.setProperty("aws.accessKeyId", "run-mode-test");
        System.setProperty("aws.secretAccessKey", "run-mode-test");
    }

    @AfterEach
    void stop() {
        if (elephant != null) {
            elephant.close();
        }
        if (aws != null) {
            aws.close();
        }
        if (cloudflare != null) {
            cloudflare.close();
        }
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Test
    void runFromAConfigFileWithTheTokenInSecretsManager() throws Exception {
        int httpPort = FreePort.find();
        String token = "cf-" + UUID.randomUUID();
        cloudflare = CloudflareStandIn.start(CloudflareStandIn.Settings.freePlan("127.0.0.1", 0, 0, ZONE, "meet.example.com",
                token, null));
        aws = AwsStandIn.start(new AwsStandIn.Settings("127.0.0.1", 0, "eu-west-1",
                URI.create("http://127.0.0.1:" + httpPort + "/v1/eventbridge"), null, "X-Elephant-Key", "k-run",
                Duration.ofMillis(300), null));
        aws.putSecret("elephant/cloudflare", "{\"token\":\"" + token + "\"}");
        String prefix = "run-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Path config = dir.resolve("elephant.yaml");
        Files.writeString(config, """
                kafka:
                  bootstrap.servers: %s
                applicationId: %sapp
                stateDir: %s
                topics:
                  prefix: %s
                  partitions: 3
                  replicationFactor: 1
                domain: meet.example.com
                ownerId: prod
                http:
                  host: 127.0.0.1
                  port: %d
                aws:
                  region: eu-west-1
                  endpoint: %s
                cloudflare:
                  apiBaseUrl: %s
                  zoneId: %s
                  tokenSecret: elephant/cloudflare
                  tokenSecretField: token
                """.formatted(SharedKafka.bootstrapServers(), prefix, dir.resolve("state"), prefix, httpPort,
                aws.endpoint(), cloudflare.apiBaseUrl(), ZONE));

        elephant = Elephant.start(RunConfig.load(config, Map.of("ELEPHANT_INGEST_KEY", "k-run"),
                new SecretsManagerReader()));

        String id = Ec2Launcher.launch(aws, "Project", "Elephant");
        await().atMost(Duration.ofSeconds(60)).until(() -> cloudflare.records().stream()
                .anyMatch(r -> r.name().equals(id + ".meet.example.com")));
        assertThat(cloudflare.records()).allSatisfy(r -> assertThat(r.comment()).isEqualTo("managed-by=elephant owner=prod"));
    }
}
