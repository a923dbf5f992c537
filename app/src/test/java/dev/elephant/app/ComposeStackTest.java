package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elephant.app.dev.FreePort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * What {@code docker compose --profile standins --env-file compose/standins.env up} runs, without
 * Docker: {@code elephant standins} and {@code elephant run} as two processes configured by the
 * compose file's environment (host names and ports swapped for free local ones), against the test
 * JVM's broker standing in for the compose file's.
 */
class ComposeStackTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void standinsAndRunAsTheComposeFileConfiguresThemGiveALaunchedInstanceItsRecordAndStopOnSigterm() throws Exception {
        Map<String, String> vars = ComposeFileTest.standinsEnv();
        int aws = FreePort.find();
        int cloudflare = FreePort.find();
        int http = FreePort.find();
        String prefix = "compose-" + UUID.randomUUID().toString().substring(0, 8) + ".";

        Map<String, String> standinsEnv = new HashMap<>(ComposeFileTest.environment(ComposeFileTest.service("standins"),
                vars, new ArrayList<>()));
        standinsEnv.put("ELEPHANT_DATA_DIR", dir.resolve("standins").toString());
        List<String> standinsArgs = new ArrayList<>(ComposeFileTest.command(ComposeFileTest.service("standins")));
        standinsArgs.set(standinsArgs.indexOf("0.0.0.0"), "127.0.0.1");
        standinsArgs.set(standinsArgs.indexOf("http://elephant:8080/v1/eventbridge"),
                "http://127.0.0.1:" + http + "/v1/eventbridge");
        standinsArgs.addAll(List.of("--aws-port", "" + aws, "--cloudflare-port", "" + cloudflare,
                "--dns-port", "" + FreePort.find()));

        Map<String, String> runEnv = new HashMap<>(ComposeFileTest.environment(ComposeFileTest.service("elephant"),
                vars, new ArrayList<>()));
        runEnv.putAll(Map.of(
                "ELEPHANT_KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers(),
                "ELEPHANT_STATE_DIR", dir.resolve("streams").toString(),
                "ELEPHANT_HTTP_PORT", "" + http,
                "ELEPHANT_AWS_ENDPOINT", "http://127.0.0.1:" + aws,
                "ELEPHANT_CLOUDFLARE_API_BASE_URL", "http://127.0.0.1:" + cloudflare + "/client/v4",
                "ELEPHANT_TOPICS_PREFIX", prefix,
                "ELEPHANT_APPLICATION_ID", prefix + "app",
                "ELEPHANT_TOPICS_PARTITIONS", "3"));
        // Inside a container the operations listener binds every interface; here, loopback.
        runEnv.putAll(Map.of("ELEPHANT_OPS_HOST", "127.0.0.1", "ELEPHANT_OPS_PORT", "" + FreePort.find(),
                "ELEPHANT_OPS_ADVERTISED_HOST", "127.0.0.1"));

        try (ElephantProcess standins = ElephantProcess.start(dir.resolve("standins.log"), standinsEnv,
                     standinsArgs.toArray(String[]::new));
             ElephantProcess run = ElephantProcess.start(dir.resolve("run.log"), runEnv,
                     ComposeFileTest.command(ComposeFileTest.service("elephant")).toArray(String[]::new))) {
            standins.awaitOutput("Ctrl-C stops.", Duration.ofSeconds(60));
            run.awaitOutput("Elephant public API on", Duration.ofSeconds(90));
            await().ignoreExceptions().atMost(Duration.ofSeconds(90)).until(() -> get(URI.create("http://127.0.0.1:" + http + "/readyz"),
                    null).statusCode() == 200);

            String id;
            try (Ec2Client ec2 = Ec2Launcher.client(URI.create("http://127.0.0.1:" + aws))) {
                id = Ec2Launcher.launch(ec2, "Project", "Elephant");
            }
            URI records = URI.create("http://127.0.0.1:" + cloudflare + "/client/v4/zones/"
                    + vars.get("ELEPHANT_CLOUDFLARE_ZONE_ID") + "/dns_records?name=" + id + "." + vars.get("ELEPHANT_DOMAIN"));
            await().ignoreExceptions().atMost(Duration.ofSeconds(60)).until(() -> get(records, vars.get("ELEPHANT_CLOUDFLARE_TOKEN")).body()
                    .contains("\"name\":\"" + id + "." + vars.get("ELEPHANT_DOMAIN") + "\""));

            run.stop(Duration.ofSeconds(30));
            assertThat(run.output()).contains("Elephant stopped in").doesNotContain("ERROR");
            standins.stop(Duration.ofSeconds(30));
        }
    }

    private static HttpResponse<String> get(URI uri, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
