package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elephant.app.config.RunConfig;
import dev.elephant.app.config.SecretsManagerReader;
import dev.elephant.app.runtime.Elephant;
import dev.elephant.events.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * {@code GET /v1/records} lists every desired record, paged, whichever instance is asked (each holds part of the
 * table); {@code elephant hosts} turns it into a hosts file, and keeps the old file when Elephant cannot be read.
 */
class RecordsAndHostsTest {

    private static final String KEY = "k-records";
    private static final String TOKEN = "cf-records";
    private static final Map<String, String> ENV = Map.of("ELEPHANT_INGEST_KEY", KEY, "ELEPHANT_CLOUDFLARE_TOKEN",
            TOKEN);
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    private RunFixture run;

    @AfterEach
    void stop() {
        if (run != null) {
            run.close();
        }
    }

    private JsonNode get(URI uri) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(uri + " " + r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    /** Every name, page by page from {@code base}. */
    private List<String> names(URI base, int limit) throws Exception {
        List<String> out = new ArrayList<>();
        String after = null;
        do {
            JsonNode page = get(base.resolve("/v1/records?limit=" + limit + (after == null ? "" : "&after=" + after)));
            page.path("records").forEach(r -> out.add(r.path("name").asText()));
            assertThat(page.path("records").size()).isLessThanOrEqualTo(limit);
            after = page.path("next").isTextual() ? page.path("next").asText() : null;
        } while (after != null);
        return out;
    }

    private int hosts(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(new PrintWriter(out));
        List<String> all = new ArrayList<>(List.of("hosts", "--url", "http://127.0.0.1:" + run.opsPort, "--once"));
        all.addAll(List.of(args));
        int code = cmd.execute(all.toArray(String[]::new));
        lastOutput = out.toString();
        return code;
    }

    private String lastOutput;

    @Test
    void everyRecordIsListedInNameOrderFromEitherInstanceAndTheHostsFileFollows() throws Exception {
        run = new RunFixture("records", TOKEN, KEY);
        Path configA = run.config(Files.createDirectories(dir.resolve("a")), "");
        RunFixture.Peer peer = run.peer(configA);
        run.elephant = Elephant.start(RunConfig.load(configA, ENV, new SecretsManagerReader()));
        run.second = Elephant.start(RunConfig.load(peer.config(), ENV, new SecretsManagerReader()));
        URI a = URI.create("http://127.0.0.1:" + run.opsPort);
        URI b = URI.create("http://127.0.0.1:" + peer.opsPort());

        List<String> ids;
        try (Ec2Client ec2 = Ec2Launcher.client(run.aws)) {
            ids = Ec2Launcher.launchCoveringPartitions(ec2, 7, 3, "Project", "Elephant");
        }
        List<String> expected = ids.stream().map(id -> id + "." + RunFixture.DOMAIN).sorted().toList();
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> names(a, 1000).size() == ids.size()
                && names(b, 1000).size() == ids.size());
        assertThat(names(a, 3)).containsExactlyElementsOf(expected);
        assertThat(names(b, 2)).containsExactlyElementsOf(expected);
        JsonNode first = get(a.resolve("/v1/records?limit=1")).path("records").get(0);
        assertThat(first.path("type").asText()).isEqualTo("A");
        assertThat(first.path("content").asText()).isEqualTo(first.path("publicIp").asText());
        assertThat(first.path("privateIp").asText()).startsWith("10.");

        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(a.resolve("/v1/records?limit=0")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        HttpResponse<String> publicSide = http.send(HttpRequest.newBuilder(run.api("/v1/records")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(publicSide.statusCode()).isEqualTo(404);
        assertThat(publicSide.body()).contains("not-here");

        // The recent DNS audit of one instance, from either instance; a window that is no duration is refused.
        String one = ids.get(0);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> get(b.resolve("/v1/mutations?instance="
                + one)).path("mutations").size() >= 2);
        JsonNode newest = get(a.resolve("/v1/mutations?since=PT10M&instance=" + one)).path("mutations").get(0);
        assertThat(newest.path("name").asText()).isEqualTo(one + "." + RunFixture.DOMAIN);
        assertThat(newest.path("phase").asText()).isEqualTo("applied");
        assertThat(newest.path("cause").asText()).as("the cause in words").startsWith("EC2 running at ");
        assertThat(get(a.resolve("/v1/mutations?instance=" + ids.get(1) + "," + ids.get(2))).path("mutations"))
                .as("a list of instances (a meeting's)").extracting(m -> m.path("instanceId").asText())
                .containsOnly(ids.get(1), ids.get(2));
        assertThat(http.send(HttpRequest.newBuilder(a.resolve("/v1/mutations?since=yesterday")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
        assertThat(get(a.resolve("/v1/dead-letters")).path("byReason").size()).isZero();

        // The hosts file: one line per name, sorted, with the address asked for.
        Path hostsFile = dir.resolve("hosts");
        assertThat(hosts("--out", hostsFile.toString())).as(lastOutput).isZero();
        List<String> lines = Files.readAllLines(hostsFile);
        assertThat(lines.get(0)).startsWith("# Generated by elephant hosts at ").endsWith("/v1/records");
        assertThat(lines.subList(2, lines.size())).extracting(l -> l.split("\t")[1]).containsExactlyElementsOf(expected);
        assertThat(hosts("--out", hostsFile.toString(), "--address", "private")).isZero();
        assertThat(Files.readAllLines(hostsFile).subList(2, lines.size())).allMatch(l -> l.startsWith("10."));
        String written = Files.readString(hostsFile);

        // Elephant unreachable: the file stays as it was, and the command says why.
        run.second.close();
        run.second = null;
        run.elephant.close();
        run.elephant = null;
        assertThat(hosts("--out", hostsFile.toString(), "--address", "private")).isEqualTo(1);
        assertThat(lastOutput).contains("kept").contains("source-unavailable");
        assertThat(Files.readString(hostsFile)).isEqualTo(written);
    }
}
