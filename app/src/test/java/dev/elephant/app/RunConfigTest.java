package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elephant.app.config.RunConfig;
import dev.elephant.app.runtime.ElephantSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `elephant run`'s configuration: file, environment over it, every problem reported at once. */
class RunConfigTest {

    private static final RunConfig.SecretReader NO_SECRETS = (id, region, endpoint) -> {
        throw new IOException("no such secret " + id);
    };

    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("elephant.yaml");
        Files.writeString(file, text);
        return file;
    }

    private static final String COMPLETE = """
            kafka:
              bootstrap.servers: b-1.example:9098
              security.protocol: SASL_SSL
              sasl.mechanism: AWS_MSK_IAM
            domain: meet.example.com
            ownerId: prod
            aws:
              region: eu-west-1
            cloudflare:
              zoneId: 023e105f4ecef8ad9ca31a8372d0c353
            topics:
              partitions: 12
            """;

    @Test
    void nothingConfiguredListsEveryMissingSettingAtOnce() {
        assertThatThrownBy(() -> RunConfig.load(null, Map.of(), NO_SECRETS))
                .isInstanceOfSatisfying(RunConfig.Invalid.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.startsWith("kafka.bootstrap.servers (ELEPHANT_KAFKA_BOOTSTRAP_SERVERS): missing"))
                        .anyMatch(p -> p.startsWith("domain (ELEPHANT_DOMAIN): missing"))
                        .anyMatch(p -> p.startsWith("cloudflare.zoneId (ELEPHANT_CLOUDFLARE_ZONE_ID): missing"))
                        .anyMatch(p -> p.startsWith("ownerId (ELEPHANT_OWNER_ID): missing"))
                        .anyMatch(p -> p.startsWith("aws.region (ELEPHANT_AWS_REGION): missing"))
                        .anyMatch(p -> p.startsWith("ingest.key (ELEPHANT_INGEST_KEY): missing"))
                        .anyMatch(p -> p.startsWith("cloudflare.token (ELEPHANT_CLOUDFLARE_TOKEN) or cloudflare.tokenSecret")));
    }

    @Test
    void fileAndEnvironmentMakeTheSettingsAndTheEnvironmentWins() throws Exception {
        ElephantSettings s = RunConfig.load(yaml(COMPLETE), Map.of(
                "ELEPHANT_INGEST_KEY", "k-1",
                "ELEPHANT_CLOUDFLARE_TOKEN", "cf-token",
                "ELEPHANT_DOMAIN", "other.example.com",
                "ELEPHANT_KAFKA_CLIENT_ID", "elephant-prod",
                "ELEPHANT_TOPICS_PARTITIONS", "24"), NO_SECRETS);

        assertThat(s.topology().domain()).isEqualTo("other.example.com");
        assertThat(s.topics().partitions()).isEqualTo(24);
        assertThat(s.kafka().properties()).containsEntry("bootstrap.servers", "b-1.example:9098")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "AWS_MSK_IAM")
                .containsEntry("client.id", "elephant-prod");
        assertThat(s.ownerId()).isEqualTo("prod");
        assertThat(s.cloudflare().token().current().reveal()).isEqualTo("cf-token");
        assertThat(s.aws().local()).isFalse();
    }

    @Test
    void terminationsArePacedToEc2sDocumentedTerminateInstancesBucketsUnlessToldAndABadOneIsNamed() throws Exception {
        Map<String, String> env = Map.of("ELEPHANT_INGEST_KEY", "k-1", "ELEPHANT_CLOUDFLARE_TOKEN", "cf-token");
        ElephantSettings defaults = RunConfig.load(yaml(COMPLETE), env, NO_SECRETS);
        assertThat(defaults.launch().terminateRequestBucket()).isEqualTo(100);
        assertThat(defaults.launch().terminateRequestRefillPerSecond()).isEqualTo(5.0);
        assertThat(defaults.launch().terminateBucket()).isEqualTo(1000);
        assertThat(defaults.launch().terminateRefillPerSecond()).isEqualTo(20.0);

        ElephantSettings raised = RunConfig.load(yaml(COMPLETE), Map.of("ELEPHANT_INGEST_KEY", "k-1",
                "ELEPHANT_CLOUDFLARE_TOKEN", "cf-token", "ELEPHANT_LAUNCH_TERMINATE_REQUEST_BUCKET", "200",
                "ELEPHANT_LAUNCH_TERMINATE_REQUEST_REFILL_PER_SECOND", "10"), NO_SECRETS);
        assertThat(raised.launch().terminateRequestBucket()).isEqualTo(200);
        assertThat(raised.launch().terminateRequestRefillPerSecond()).isEqualTo(10.0);

        assertThatThrownBy(() -> RunConfig.load(yaml(COMPLETE), Map.of("ELEPHANT_INGEST_KEY", "k-1",
                "ELEPHANT_CLOUDFLARE_TOKEN", "cf-token", "ELEPHANT_LAUNCH_TERMINATE_BUCKET", "0",
                "ELEPHANT_LAUNCH_TERMINATE_REFILL_PER_SECOND", "fast"), NO_SECRETS))
                .isInstanceOfSatisfying(RunConfig.Invalid.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.startsWith("launch.terminateBucket (ELEPHANT_LAUNCH_TERMINATE_BUCKET): 0 must be 1.."))
                        .anyMatch(p -> p.startsWith("launch.terminateRefillPerSecond (ELEPHANT_LAUNCH_TERMINATE_REFILL_PER_SECOND)")));
    }

    @Test
    void elephantsShareOfTheDescribeBucketIsHalfEc2sUnlessToldAndABadOneIsNamed() throws Exception {
        Map<String, String> env = Map.of("ELEPHANT_INGEST_KEY", "k-1", "ELEPHANT_CLOUDFLARE_TOKEN", "cf-token");
        ElephantSettings defaults = RunConfig.load(yaml(COMPLETE), env, NO_SECRETS);
        assertThat(defaults.aws().describeBucket()).isEqualTo(50);
        assertThat(defaults.aws().describeRefillPerSecond()).isEqualTo(10.0);

        ElephantSettings raised = RunConfig.load(yaml(COMPLETE), new java.util.HashMap<>(Map.of(
                "ELEPHANT_INGEST_KEY", "k-1", "ELEPHANT_CLOUDFLARE_TOKEN", "cf-token",
                "ELEPHANT_AWS_DESCRIBE_BUCKET", "100", "ELEPHANT_AWS_DESCRIBE_REFILL_PER_SECOND", "20")), NO_SECRETS);
        assertThat(raised.aws().describeBucket()).isEqualTo(100);
        assertThat(raised.aws().describeRefillPerSecond()).isEqualTo(20.0);

        assertThatThrownBy(() -> RunConfig.load(yaml(COMPLETE), Map.of("ELEPHANT_INGEST_KEY", "k-1",
                "ELEPHANT_CLOUDFLARE_TOKEN", "cf-token", "ELEPHANT_AWS_DESCRIBE_BUCKET", "0",
                "ELEPHANT_AWS_DESCRIBE_REFILL_PER_SECOND", "-1"), NO_SECRETS))
                .isInstanceOfSatisfying(RunConfig.Invalid.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.startsWith("aws.describeBucket (ELEPHANT_AWS_DESCRIBE_BUCKET): 0 must be 1.."))
                        .anyMatch(p -> p.startsWith("aws.describeRefillPerSecond (ELEPHANT_AWS_DESCRIBE_REFILL_PER_SECOND)")));
    }

    @Test
    void aValueThatLooksLikeANumberKeepsTheTextTheUserWrote() throws Exception {
        ElephantSettings s = RunConfig.load(yaml(COMPLETE.replace("023e105f4ecef8ad9ca31a8372d0c353",
                "00000000000000000000000000000001") + """
                ingest:
                  key: 0x1F
                kafka:
                  client.id: 1e3
                """), Map.of("ELEPHANT_CLOUDFLARE_TOKEN", "cf-token"), NO_SECRETS);

        assertThat(s.cloudflare().zoneId()).isEqualTo("00000000000000000000000000000001");
        assertThat(s.ingest().key().reveal()).isEqualTo("0x1F");
        assertThat(s.kafka().properties()).containsEntry("client.id", "1e3");
    }

    @Test
    void eachBadValueIsNamedWithItsKey() throws Exception {
        Path file = yaml(COMPLETE + """
                address: sideways
                cloudfare:
                  zoneId: typo
                dns:
                  reconcileInterval: ten minutes
                """);
        assertThatThrownBy(() -> RunConfig.load(file, Map.of("ELEPHANT_INGEST_KEY", "k", "ELEPHANT_CLOUDFLARE_TOKEN", "t",
                "ELEPHANT_TOPICS_PARTITIONS", "many", "ELEPHANT_DOMAIN", "not a domain"), NO_SECRETS))
                .isInstanceOfSatisfying(RunConfig.Invalid.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.contains("address") && p.contains("public or private"))
                        .anyMatch(p -> p.startsWith("cloudfare.zoneId: not a setting Elephant knows"))
                        .anyMatch(p -> p.startsWith("dns.reconcileInterval") && p.contains("ISO-8601"))
                        .anyMatch(p -> p.startsWith("topics.partitions") && p.contains("whole number"))
                        .anyMatch(p -> p.contains("not a valid DNS name")));
    }

    @Test
    void theTokenComesFromSecretsManagerAndNoMessageEverShowsIt() throws Exception {
        RunConfig.SecretReader secrets = (id, region, endpoint) -> {
            assertThat(id).isEqualTo("elephant/cloudflare");
            assertThat(region).isEqualTo("eu-west-1");
            return "{\"token\":\"cf-from-secrets-manager\"}";
        };
        ElephantSettings s = RunConfig.load(yaml(COMPLETE), Map.of("ELEPHANT_INGEST_KEY", "k",
                "ELEPHANT_CLOUDFLARE_TOKEN_SECRET", "elephant/cloudflare",
                "ELEPHANT_CLOUDFLARE_TOKEN_SECRET_FIELD", "token"), secrets);
        assertThat(s.cloudflare().token().current().reveal()).isEqualTo("cf-from-secrets-manager");
        assertThat(s.toString()).doesNotContain("cf-from-secrets-manager");

        assertThatThrownBy(() -> RunConfig.load(yaml(COMPLETE), Map.of("ELEPHANT_INGEST_KEY", "ingest-secret-value",
                "ELEPHANT_CLOUDFLARE_TOKEN", "cf-secret-value", "ELEPHANT_CLOUDFLARE_TOKEN_SECRET", "x",
                "ELEPHANT_OWNER_ID", "NOT VALID"), secrets))
                .isInstanceOfSatisfying(RunConfig.Invalid.class, e -> assertThat(e.getMessage())
                        .contains("set one, not both")
                        .doesNotContain("cf-secret-value")
                        .doesNotContain("ingest-secret-value"));
    }

    @Test
    void theReadmeTableNamesEverySettingWithItsEnvironmentVariable() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        RunConfig.environmentVariables().forEach((key, env) -> assertThat(readme)
                .as("README row for " + key).contains("| `" + key + "` | `" + env + "` |"));
    }

    @Test
    void aRoute53DeploymentNeedsNoCloudflareSettingsAndFindsItsZoneByNameUnlessGivenOne() throws Exception {
        ElephantSettings s = RunConfig.load(yaml("""
                kafka:
                  bootstrap.servers: b-1.example:9098
                domain: meet.example.com
                ownerId: prod
                aws:
                  region: eu-west-1
                dns:
                  provider: route53
                route53:
                  requestsPerSecond: 3
                """), Map.of("ELEPHANT_INGEST_KEY", "k-1"), NO_SECRETS);

        assertThat(s.dns().provider()).isEqualTo(ElephantSettings.DnsProviderKind.ROUTE53);
        assertThat(s.cloudflare()).isNull();
        assertThat(s.route53().hostedZoneId()).isNull();
        assertThat(s.route53().requestsPerSecond()).isEqualTo(3);
        assertThat(s.dnsMaxBatch()).isEqualTo(ElephantSettings.Route53.DEFAULT_MAX_BATCH);
    }

    @Test
    void anUnknownProviderOrARoute53ShareOverTheAccountsRateIsRefusedWithTheReason() throws Exception {
        assertThatThrownBy(() -> RunConfig.load(yaml(COMPLETE + "dns:\n  provider: bind9\n"
                + "route53:\n  requestsPerSecond: 6\n"), Map.of("ELEPHANT_INGEST_KEY", "k-1",
                "ELEPHANT_CLOUDFLARE_TOKEN", "t"), NO_SECRETS))
                .isInstanceOfSatisfying(RunConfig.Invalid.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.equals("dns.provider (ELEPHANT_DNS_PROVIDER): bind9 is not cloudflare or route53"))
                        .anyMatch(p -> p.startsWith("route53.requestsPerSecond (ELEPHANT_ROUTE53_REQUESTS_PER_SECOND)")));
    }

    @Test
    void failoverNamesAreDeclaredWithTheApisFieldsAndCheckedTheSameWay() throws Exception {
        Map<String, String> env = Map.of("ELEPHANT_INGEST_KEY", "k-1", "ELEPHANT_CLOUDFLARE_TOKEN", "cf-token");
        ElephantSettings s = RunConfig.load(yaml(COMPLETE + """
                failover:
                  db:
                    primary: {address: 10.0.1.5}
                    secondary: {instanceId: i-0abc1234def567890}
                    check: {type: http, port: 8080, path: /health, status: 200-399, body: ok}
                    interval: PT5S
                    failures: 2
                """), env, NO_SECRETS);
        assertThat(s.failover()).hasSize(1);
        assertThat(s.failover().get(0).name()).isEqualTo("db");
        assertThat(s.failover().get(0).check().port()).isEqualTo(8080);
        assertThat(s.failover().get(0).failures()).isEqualTo(2);
        assertThat(s.failover().get(0).passes()).isEqualTo(2);
        assertThat(s.failover().get(0).source()).isEqualTo("config");

        assertThatThrownBy(() -> RunConfig.load(yaml(COMPLETE + """
                failover:
                  db:
                    primary: {address: 10.0.1.5}
                    secondary: {adress: 10.0.1.6}
                    check: {type: tcp, port: 70000}
                """), env, NO_SECRETS))
                .isInstanceOfSatisfying(RunConfig.Invalid.class, e -> assertThat(e.problems())
                        .contains("failover.db: secondary.\"adress\" is not a field of a failover declaration (known: "
                                + "[address, instanceId])")
                        .contains("failover.db: check.port must be 1..65535, was 70000"));
    }
}
