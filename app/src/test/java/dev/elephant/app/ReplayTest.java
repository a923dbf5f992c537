package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elephant.app.config.RunConfig;
import dev.elephant.app.replay.ReplayReset;
import dev.elephant.app.runtime.Elephant;
import dev.elephant.app.runtime.ElephantSettings;
import dev.elephant.app.runtime.TopologyLag;
import dev.elephant.events.Json;
import dev.elephant.events.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** `elephant replay` rebuilds the tables from the log; against a provider that matches it writes nothing. */
class ReplayTest {

    private static final Duration WITHIN = Duration.ofSeconds(60);
    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private RunFixture run;

    @AfterEach
    void stop() {
        if (run != null) {
            run.close();
        }
    }

    private JsonNode instance(int port, String id) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/v1/instances/" + id)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? Json.mapper().readTree(r.body()) : null;
    }

    private JsonNode streamsStatus(int port) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/v1/status")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return Json.mapper().readTree(r.body()).get("streams");
    }

    private boolean confirmed(int port, String id) throws Exception {
        JsonNode n = instance(port, id);
        return n != null && n.get("record").get("status").asText().equals("confirmed");
    }

    @ParameterizedTest
    @EnumSource(ElephantSettings.DnsProviderKind.class)
    void replayRebuildsTheTablesAndMakesNoProviderWrite(ElephantSettings.DnsProviderKind kind) throws Exception {
        run = new RunFixture("replay", "cf-replay", "k-replay", kind);
        int port = run.opsPort;
        ProviderSide provider = run.provider;
        ElephantSettings settings = RunConfig.load(run.config(dir, ""), Map.of("ELEPHANT_INGEST_KEY", "k-replay",
                "ELEPHANT_CLOUDFLARE_TOKEN", "cf-replay"), (id, region, endpoint) -> null);
        run.elephant = Elephant.start(settings);

        String kept;
        String stopped;
        try (Ec2Client ec2 = Ec2Launcher.client(run.aws)) {
            kept = Ec2Launcher.launch(ec2, "Project", "Elephant");
            stopped = Ec2Launcher.launch(ec2, "Project", "Elephant");
            await().atMost(WITHIN).until(() -> confirmed(port, kept) && confirmed(port, stopped));
            ec2.stopInstances(r -> r.instanceIds(stopped));
        }
        await().atMost(WITHIN).until(() -> provider.records().size() == 1);
        StringWriter refused = new StringWriter();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> new ReplayReset(settings, new PrintWriter(refused)).reset(true))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("stop every Elephant instance first");
        await().atMost(WITHIN).until(() -> instance(port, stopped).get("state").asText().equals("stopped"));
        run.elephant.close();
        run.elephant = null;
        long changes = provider.recordWrites();
        long writes = provider.writeRequests();

        StringWriter dry = new StringWriter();
        new ReplayReset(settings, new PrintWriter(dry, true)).reset(true);
        ReplayCommand.printPlan(settings, new PrintWriter(dry, true));
        assertThat(dry.toString()).contains("would reset application").contains("no change: the provider already matches");

        new ReplayReset(settings, new PrintWriter(new StringWriter())).reset(false);
        run.elephant = Elephant.start(settings, true);
        // Until the topology has caught up with the log it commits once a second; then it runs as a live run does.
        assertThat(streamsStatus(port).get("catchingUp").asBoolean()).isTrue();

        await().atMost(WITHIN).until(() -> confirmed(port, kept));
        await().atMost(WITHIN).until(() -> run.elephant.isReady());
        // The replay is over when the topology has read every instance event and the sink, started only after
        // that, has read what the topology wrote; before, a table may hold an instance's earlier state.
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
            Topics topics = settings.topics().names();
            String app = settings.applicationId();
            await().atMost(WITHIN).until(() -> TopologyLag.isCaughtUp(admin, app, List.of(topics.instanceEvents()))
                    && TopologyLag.isCaughtUp(admin, app + "-dns-sink", List.of(topics.dnsDesired())));
        }
        // A query answers 503 while Kafka Streams still moves state after the restart; wait for its answer.
        await().atMost(WITHIN).until(() -> instance(port, stopped) != null);
        assertThat(instance(port, stopped).get("state").asText()).isEqualTo("stopped");
        assertThat(streamsStatus(port).get("catchingUp").asBoolean()).as("running live").isFalse();
        assertThat(provider.recordWrites()).as("provider changes during the replay").isEqualTo(changes);
        assertThat(provider.writeRequests()).isEqualTo(writes);

        // The dry run's plan shows what a difference would cost.
        provider.deleteByHand(provider.records().get(0));
        StringWriter plan = new StringWriter();
        ReplayCommand.printPlan(settings, new PrintWriter(plan, true));
        assertThat(plan.toString()).contains("create  " + kept + ".meet.example.com A");
    }

    @Test
    void replayFromAnInstantIsRefusedBecauseAPartOfTheLogCannotRebuildTheTables() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("replay", "--from", "2026-11-22T00:00:00Z");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--from is not supported")
                .contains("would never be deleted").contains("Replay the whole log");
    }
}
