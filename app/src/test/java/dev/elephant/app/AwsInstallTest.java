package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.elephant.app.config.RunConfig;
import dev.elephant.app.config.SecretsManagerReader;
import dev.elephant.app.runtime.Elephant;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;

/**
 * {@code elephant aws install} against the AWS stand-in, through the real SDK: afterwards the stand-in's
 * EC2 events reach Elephant only because the rule, API destination and connection say so; a second run
 * changes nothing; a dry run creates nothing; a missing ingest key is generated and stored.
 */
class AwsInstallTest {

    private static final String KEY = "k-install-1c9e";
    private static final String ROLE = "arn:aws:iam::000000000000:role/elephant-eventbridge";

    @TempDir
    Path dir;
    private RunFixture run;

    @AfterEach
    void stop() {
        if (run != null) {
            run.close();
        }
    }

    private record Result(int exit, String out, String err) {}

    private Result install(String... extra) {
        List<String> args = new ArrayList<>(List.of("aws", "install", "--endpoint", run.aws.endpoint().toString(),
                "--region", "us-east-1", "--api-destination-url", run.api("/v1/eventbridge").toString(),
                "--role-arn", ROLE));
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }

    private EventBridgeClient events() {
        return EventBridgeClient.builder().endpointOverride(run.aws.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("t", "t")))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    @Test
    void installWiresEc2EventsToElephantAndASecondRunChangesNothing() throws Exception {
        run = new RunFixture("install", "cf-install", KEY, false);
        run.aws.putSecret("elephant/ingest-key", KEY);
        // Elephant reads the key from the secret install uses, as an operator would configure it.
        run.elephant = Elephant.start(RunConfig.load(run.config(dir, ""), Map.of(
                "ELEPHANT_INGEST_KEY_SECRET", "elephant/ingest-key", "ELEPHANT_CLOUDFLARE_TOKEN", "cf-install"),
                new SecretsManagerReader()));

        Result first = install("--ecs-cluster", "arn:aws:ecs:us-east-1:000000000000:cluster/meetings");

        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).containsPattern("unchanged\\s+ingest key\\s+elephant/ingest-key")
                .containsPattern("create\\s+connection\\s+elephant-connection")
                .containsPattern("create\\s+api destination\\s+elephant-destination")
                .containsPattern("create\\s+rule\\s+elephant-ec2")
                .containsPattern("create\\s+rule\\s+elephant-ecs")
                .containsPattern("create\\s+target\\s+elephant-ec2/elephant-api-destination");
        try (EventBridgeClient events = events()) {
            String pattern = events.describeRule(r -> r.name("elephant-ec2")).eventPattern();
            assertThat(pattern).contains("\"aws.ec2\"", "EC2 Instance State-change Notification", "\"running\"")
                    .doesNotContain("tags");
            assertThat(events.describeRule(r -> r.name("elephant-ecs")).eventPattern()).contains("cluster/meetings");
        }

        String id = Ec2Launcher.launch(run.aws, "Project", "Elephant");
        await().atMost(Duration.ofSeconds(60)).until(() -> run.cloudflare.records().stream()
                .anyMatch(r -> r.name().equals(id + "." + RunFixture.DOMAIN)));

        Result second = install("--ecs-cluster", "arn:aws:ecs:us-east-1:000000000000:cluster/meetings");
        assertThat(second.out()).doesNotContainPattern("(?m)^\\s+(create|update)\\s")
                .contains("Nothing to change");

        Result slower = install("--invocation-rate", "50");
        assertThat(slower.out()).containsPattern("update\\s+api destination\\s+elephant-destination\\s+\\(at most 50/s\\)");
    }

    @Test
    void aDryRunCreatesNothingAndAMissingKeyIsGeneratedAndStored() {
        try {
            run = new RunFixture("install-dry", "cf", KEY, false);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }

        Result dry = install("--name-prefix", "dry", "--ingest-key-secret", "dry/key", "--dry-run");
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("Plan (dry run, nothing changed)")
                .containsPattern("create\\s+ingest key\\s+dry/key")
                .containsPattern("create\\s+rule\\s+dry-ec2");
        assertThat(run.aws.secret("dry/key")).isEmpty();
        try (EventBridgeClient events = events()) {
            assertThatThrownBy(() -> events.describeRule(r -> r.name("dry-ec2")))
                    .isInstanceOf(ResourceNotFoundException.class);
        }

        Result real = install("--name-prefix", "dry", "--ingest-key-secret", "dry/key");
        assertThat(real.exit()).as(real.err()).isZero();
        assertThat(run.aws.secret("dry/key")).hasValueSatisfying(k -> assertThat(k).hasSizeGreaterThanOrEqualTo(40));
        assertThat(real.out()).doesNotContain(run.aws.secret("dry/key").orElseThrow());
    }

    @Test
    void plainHttpIsRefusedForARealEventBridge() throws Exception {
        run = new RunFixture("install-http", "cf", KEY, false);
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute("aws", "install", "--api-destination-url", "http://elephant.example.com/v1/eventbridge",
                "--role-arn", ROLE);
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("must be https");
    }
}
