package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.elephant.app.config.RunConfig;
import dev.elephant.app.runtime.ElephantSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * docker-compose.yml and the Dockerfile, checked without a Docker engine: the file is parsed as YAML,
 * its variables interpolated as Compose does, and what it would run is checked against Elephant's own
 * configuration and command line — so the compose file cannot drift from the code unnoticed.
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of("..");

    private static JsonNode compose() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.yml").toFile());
    }

    static JsonNode service(String name) throws IOException {
        return compose().get("services").get(name);
    }

    /** compose/standins.env as Compose's {@code --env-file} reads it. */
    static Map<String, String> standinsEnv() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(ROOT.resolve("compose/standins.env"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int eq = line.indexOf('=');
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?}");

    /**
     * A service's environment after Compose's interpolation: {@code ${V}}, {@code ${V:-default}},
     * {@code ${V:?message}}; a missing required variable is collected in {@code missing}.
     */
    static Map<String, String> environment(JsonNode service, Map<String, String> vars, List<String> missing) {
        Map<String, String> env = new LinkedHashMap<>();
        service.get("environment").fields().forEachRemaining(e -> {
            Matcher m = VARIABLE.matcher(e.getValue().asText());
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = vars.get(m.group(1));
                boolean unset = m.group(2) != null && m.group(2).startsWith(":") ? value == null || value.isEmpty()
                        : value == null;
                if (unset && m.group(2) != null && m.group(2).endsWith("?")) {
                    missing.add(m.group(1) + ": " + m.group(3));
                    value = "";
                } else if (unset) {
                    value = m.group(2) != null ? m.group(3) : "";
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            env.put(e.getKey(), out.toString());
        });
        return env;
    }

    static List<String> command(JsonNode service) {
        List<String> args = new ArrayList<>();
        service.get("command").forEach(a -> args.add(a.asText()));
        return args;
    }

    @Test
    void kafkaIsASingleKRaftNodeFromTheOfficialImageAndElephantBootstrapsFromIt() throws IOException {
        JsonNode kafka = compose().get("services").get("kafka");
        Map<String, String> env = environment(kafka, Map.of(), new ArrayList<>());
        Map<String, String> elephant = environment(compose().get("services").get("elephant"), standinsEnv(),
                new ArrayList<>());

        assertThat(kafka.get("image").asText()).startsWith("apache/kafka:");
        assertThat(env.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
        assertThat(env).doesNotContainKey("KAFKA_ZOOKEEPER_CONNECT");
        assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).isEqualTo("PLAINTEXT://"
                + elephant.get("ELEPHANT_KAFKA_BOOTSTRAP_SERVERS"));
        assertThat(env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"))
                .as("one broker: Elephant's exactly-once transactions need a replication factor it can meet")
                .isEqualTo("1");
        assertThat(elephant.get("ELEPHANT_TOPICS_REPLICATION_FACTOR")).isEqualTo("1");
    }

    @Test
    void elephantRunsInRunModeAndEveryVariableItIsGivenIsASettingElephantKnows() throws IOException {
        JsonNode elephant = compose().get("services").get("elephant");
        Map<String, String> env = environment(elephant, standinsEnv(), new ArrayList<>());

        assertThat(command(elephant)).containsExactly("run");
        assertThat(env.keySet()).allSatisfy(name -> assertThat(name.startsWith("ELEPHANT_KAFKA_") || name.startsWith("AWS_")
                || RunConfig.environmentVariables().containsValue(name)).as(name + " is a setting Elephant reads").isTrue());
    }

    @Test
    void withTheStandinsEnvironmentTheConfigurationIsCompleteAndValid() throws Exception {
        JsonNode elephant = compose().get("services").get("elephant");
        List<String> missing = new ArrayList<>();
        Map<String, String> env = environment(elephant, standinsEnv(), missing);
        assertThat(missing).isEmpty();

        ElephantSettings settings = RunConfig.load(null, env, (id, region, endpoint) -> {
            throw new IOException("compose configures the token directly, not through Secrets Manager");
        });

        assertThat(settings.http().port()).isEqualTo(8080);
        assertThat(elephant.get("ports").get(0).asText()).isEqualTo("8080:" + settings.http().port());
        assertThat(elephant.get("ports").get(1).asText()).as("the operations listener stays on the host's loopback")
                .isEqualTo("127.0.0.1:8081:" + settings.ops().port());
        assertThat(settings.topology().domain()).isEqualTo("elephant.test");
        assertThat(settings.stateDir().toString()).startsWith("/data");
        assertThat(elephant.get("volumes").get(0).asText()).endsWith(":/data");
    }

    @Test
    void withoutAnEnvironmentComposeRefusesToStartAndNamesEveryRequiredVariable() throws IOException {
        List<String> missing = new ArrayList<>();
        environment(compose().get("services").get("elephant"), Map.of(), missing);

        assertThat(missing).extracting(m -> m.substring(0, m.indexOf(':'))).containsExactlyInAnyOrder(
                "ELEPHANT_DOMAIN", "ELEPHANT_INGEST_KEY", "ELEPHANT_AWS_REGION", "ELEPHANT_CLOUDFLARE_ZONE_ID");
    }

    @Test
    void theStandinsProfileServesWhatElephantIsPointedAtAndDeliversToElephant() throws IOException {
        JsonNode services = compose().get("services");
        JsonNode standins = services.get("standins");
        Map<String, String> vars = standinsEnv();
        Map<String, String> elephant = environment(services.get("elephant"), vars, new ArrayList<>());
        Map<String, String> env = environment(standins, vars, new ArrayList<>());

        assertThat(standins.get("profiles").get(0).asText()).isEqualTo("standins");
        assertThat(services.get("elephant").get("depends_on").get("standins").get("required").asBoolean())
                .as("without the profile Elephant starts all the same").isFalse();
        StandinsCommand parsed = new StandinsCommand();
        new CommandLine(parsed).parseArgs(command(standins).subList(1, command(standins).size()).toArray(String[]::new));
        assertThat(command(standins).get(0)).isEqualTo("standins");
        assertThat(parsed.deliverTo).isEqualTo(URI.create("http://elephant:" + elephant.get("ELEPHANT_HTTP_PORT")
                + "/v1/eventbridge"));
        assertThat(URI.create(elephant.get("ELEPHANT_AWS_ENDPOINT")))
                .isEqualTo(URI.create("http://standins:" + parsed.awsPort));
        assertThat(URI.create(elephant.get("ELEPHANT_CLOUDFLARE_API_BASE_URL")))
                .isEqualTo(URI.create("http://standins:" + parsed.cloudflarePort + "/client/v4"));
        assertThat(standins.get("ports").toString()).contains("\"" + parsed.awsPort + ":" + parsed.awsPort + "\"",
                "\"" + parsed.cloudflarePort + ":" + parsed.cloudflarePort + "\"", parsed.dnsPort + "/udp");
        for (String shared : List.of("ELEPHANT_DOMAIN", "ELEPHANT_CLOUDFLARE_ZONE_ID", "ELEPHANT_CLOUDFLARE_TOKEN",
                "ELEPHANT_INGEST_KEY")) {
            assertThat(env.get(shared)).as(shared + " alike on both sides").isNotEmpty().isEqualTo(elephant.get(shared));
        }
    }

    @Test
    void theDockerfileBuildsOnJava17AndCopiesTheJarTheBuildMakes() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        String appPom = Files.readString(ROOT.resolve("app/pom.xml"));
        Map<String, String> stages = new HashMap<>();
        Matcher from = Pattern.compile("(?m)^FROM (\\S+)(?: AS (\\S+))?$").matcher(dockerfile);
        while (from.find()) {
            stages.put(from.group(2) == null ? "runtime" : from.group(2), from.group(1));
        }

        assertThat(stages.get("build")).startsWith("maven:").contains("-17");
        assertThat(stages.get("runtime")).isEqualTo("eclipse-temurin:17-jre");
        assertThat(appPom).as("the shaded jar the README runs").contains("<outputFile>${project.build.directory}/elephant.jar</outputFile>");
        assertThat(dockerfile).contains("COPY --from=build /src/app/target/elephant.jar ")
                .contains("ENTRYPOINT [\"java\", \"-jar\", \"/elephant/elephant.jar\"]");
    }
}
