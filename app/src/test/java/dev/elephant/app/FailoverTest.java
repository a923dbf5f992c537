package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elephant.app.config.RunConfig;
import dev.elephant.app.config.SecretsManagerReader;
import dev.elephant.app.runtime.Elephant;
import dev.elephant.events.DnsMutation;
import dev.elephant.events.FailoverCheck;
import dev.elephant.events.Json;
import dev.elephant.events.TopicSchemas;
import dev.elephant.events.Topics;
import dev.elephant.sinks.TopicSnapshot;
import dev.elephant.standins.tcp.AcceptingPort;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Failover names end to end, with two Elephant instances: declared over the API and in the run config, checked by
 * one instance only, the record moved to the secondary when the primary's listener closes and back when it opens
 * again, each move on {@code dns-mutations} naming the check that caused it and shown by {@code elephant audit}.
 */
class FailoverTest {

    private static final String KEY = "k-failover";
    private static final String TOKEN = "cf-failover";
    private static final Map<String, String> ENV = Map.of("ELEPHANT_INGEST_KEY", KEY, "ELEPHANT_CLOUDFLARE_TOKEN",
            TOKEN);
    private static final String DB = "db." + RunFixture.DOMAIN;
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    private RunFixture run;
    private final List<AcceptingPort> listeners = new ArrayList<>();

    @AfterEach
    void stop() {
        listeners.forEach(AcceptingPort::close);
        if (run != null) {
            run.close();
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder declare(String body, boolean withKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(run.api("/v1/failover"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        return withKey ? b.header("X-Elephant-Key", KEY) : b;
    }

    private JsonNode get(URI uri) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri));
        assertThat(r.statusCode()).as(uri + " " + r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    private Optional<String> providerAddress(String name) {
        return run.provider.records().stream().filter(r -> r.name().equals(name) && r.type().equals("A"))
                .map(ProviderSide.Rec::content).findFirst();
    }

    @Test
    void aFailoverNameFollowsItsChecksOnceAcrossInstancesAndEveryMoveIsAudited() throws Exception {
        int port = AcceptingPort.freeOnAll("127.0.0.2", "127.0.0.3");
        AcceptingPort primary = new AcceptingPort("127.0.0.2", port);
        listeners.add(primary);
        listeners.add(new AcceptingPort("127.0.0.3", port));
        run = new RunFixture("failover", TOKEN, KEY);
        // A name of the run config whose targets never answer: both fail, it stays at its primary and says so.
        Path config = run.config(Files.createDirectories(dir.resolve("a")), """
                failover:
                  web:
                    primary: {address: 127.0.0.4}
                    secondary: {address: 127.0.0.5}
                    check: {type: http, port: %d, path: /health}
                    interval: PT1S
                    timeout: PT0.5S
                    failures: 1
                """.formatted(port));
        RunFixture.Peer peer = run.peer(config);
        run.elephant = Elephant.start(RunConfig.load(config, ENV, new SecretsManagerReader()));
        run.second = Elephant.start(RunConfig.load(peer.config(), ENV, new SecretsManagerReader()));
        URI a = URI.create("http://127.0.0.1:" + run.opsPort);
        URI b = URI.create("http://127.0.0.1:" + peer.opsPort());

        // Refused: no key, a declaration with problems, a name the run config declares.
        String db = """
                {"name":"db","primary":{"address":"127.0.0.2"},"secondary":{"address":"127.0.0.3"},
                 "check":{"type":"tcp","port":%d},"interval":"PT1S","timeout":"PT0.5S","failures":2,"passes":2}
                """.formatted(port);
        assertThat(send(declare(db, false)).statusCode()).isEqualTo(401);
        HttpResponse<String> bad = send(declare("{\"name\":\"db\",\"primary\":{\"address\":\"::1\"},\"check\":{}}", true));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("primary.address \\\"::1\\\" is not an IPv4 address")
                .contains("secondary is missing").contains("check.type");
        HttpResponse<String> configured = send(declare(db.replace("\"db\"", "\"web\""), true));
        assertThat(configured.statusCode()).isEqualTo(409);
        assertThat(configured.body()).contains("declared-in-config");
        HttpResponse<String> accepted = send(declare(db, true));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

        // Before any failure: the primary, whichever instance is asked.
        await().atMost(Duration.ofSeconds(60)).until(() -> providerAddress(DB).equals(Optional.of("127.0.0.2")));
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
                get(b.resolve("/v1/failover/db")).path("checks").path("secondary").path("health").asText()
                        .equals("healthy"));
        JsonNode view = get(a.resolve("/v1/failover/db"));
        assertThat(view.path("target").asText()).isEqualTo("primary");
        assertThat(view.path("record").asText()).isEqualTo(DB);
        assertThat(view.path("checks").path("primary").path("recent").get(0).path("detail").asText())
                .startsWith("connected in ");

        // The primary's listener closes: the name moves to the secondary within interval × failures and a little.
        primary.close();
        Instant closed = Instant.now();
        await().atMost(Duration.ofSeconds(20)).until(() -> providerAddress(DB).equals(Optional.of("127.0.0.3")));
        Duration flip = Duration.between(closed, Instant.now());
        System.out.println("failover: primary closed to the provider's record at the secondary in " + flip.toMillis()
                + " ms (interval 1 s, failures 2)");
        JsonNode moved = get(b.resolve("/v1/failover/db"));
        assertThat(moved.path("target").asText()).isEqualTo("secondary");
        assertThat(moved.path("checks").path("primary").path("health").asText()).isEqualTo("unhealthy");
        String cause = moved.path("causeId").asText();
        JsonNode failure = moved.path("checks").path("primary").path("recent").get(0);
        assertThat(failure.path("detail").asText()).isEqualTo("connection refused");

        // Back when it listens again, after two passes.
        listeners.add(new AcceptingPort("127.0.0.2", port));
        await().atMost(Duration.ofSeconds(20)).until(() -> providerAddress(DB).equals(Optional.of("127.0.0.2")));

        // Each move is on dns-mutations naming the check result that caused it, with its outcome; the result is on
        // failover-checks.
        Topics topics = new Topics(run.prefix);
        Map<String, Object> kafka = Map.of("bootstrap.servers", SharedKafka.bootstrapServers());
        List<DnsMutation> moves = new ArrayList<>();
        List<String> all = new ArrayList<>();
        List<FailoverCheck> results = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : TopicSnapshot.readTopic(kafka, topics.dnsMutations(),
                Duration.ofSeconds(30)).records()) {
            DnsMutation m = Json.fromBytes(r.value(), DnsMutation.class);
            if (m.name().equals(DB)) {
                all.add(m.phase() + " " + m.action() + " " + m.content() + " cause " + m.causeId());
            }
            // The intents: what Elephant set out to write, whichever instance's sink wrote it (a rebalance between
            // the two may settle one as drift-repaired or noop instead of applied).
            if (m.name().equals(DB) && m.phase() == DnsMutation.Phase.INTENT
                    && (moves.isEmpty() || !moves.get(moves.size() - 1).content().equals(m.content()))) {
                moves.add(m);
            }
        }
        for (ConsumerRecord<String, byte[]> r : TopicSnapshot.readTopic(kafka, topics.failoverChecks(),
                Duration.ofSeconds(30)).records()) {
            assertThat(TopicSchemas.problems("failover-checks", r.value())).isEmpty();
            results.add(Json.fromBytes(r.value(), FailoverCheck.class));
        }
        assertThat(moves).as(String.join("\n", all)).extracting(DnsMutation::content)
                .containsExactly("127.0.0.2", "127.0.0.3", "127.0.0.2");
        assertThat(moves.get(1).causeId()).isEqualTo(cause);
        assertThat(all).as("every intent has its outcome").filteredOn(l -> l.startsWith("INTENT")).hasSize(
                (int) all.stream().filter(l -> !l.startsWith("INTENT")).map(l -> l.substring(l.indexOf(" cause ")))
                        .distinct().count());
        FailoverCheck flipCause = results.stream().filter(c -> c.checkId().equals(cause)).findFirst().orElseThrow();
        assertThat(flipCause.target()).isEqualTo("primary");
        assertThat(flipCause.ok()).isFalse();

        // Each target is checked once per interval, not once per instance: over the run, no more results than seconds.
        List<FailoverCheck> dbPrimary = results.stream().filter(c -> c.name().equals("db")
                && c.target().equals("primary")).toList();
        Duration span = Duration.between(dbPrimary.get(0).time(), dbPrimary.get(dbPrimary.size() - 1).time());
        assertThat(dbPrimary.size()).as("primary results over " + span).isLessThanOrEqualTo((int) span.toSeconds() + 3);

        // elephant audit NAME: the move, and the failures in a row before it.
        StringWriter out = new StringWriter();
        CommandLine audit = new CommandLine(new Main());
        audit.setOut(new PrintWriter(out));
        assertThat(audit.execute("audit", DB, "--bootstrap", SharedKafka.bootstrapServers(), "--topic-prefix",
                run.prefix, "--format", "json")).isZero();
        JsonNode rows = Json.mapper().readTree(out.toString());
        List<String> names = new ArrayList<>();
        rows.forEach(r -> names.add(r.path("name").asText() + " " + r.path("phase").asText()));
        int flipRow = -1;
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).path("causeId").asText().equals(cause) && rows.get(i).path("phase").asText().equals("intent")) {
                flipRow = i;
                break;
            }
        }
        assertThat(flipRow).as(names.toString()).isGreaterThanOrEqualTo(2);
        assertThat(rows.get(flipRow).path("cause").asText())
                .isEqualTo("failover check of the primary 127.0.0.2 failed (connection refused)");
        assertThat(names.subList(flipRow - 2, flipRow)).containsOnly("failover-check:primary fail");

        // The run config's name: both fail, it stays at its primary, and health says so.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                get(a.resolve("/v1/failover/web")).path("bothUnhealthy").asBoolean()
                        || get(b.resolve("/v1/failover/web")).path("bothUnhealthy").asBoolean());
        assertThat(providerAddress("web." + RunFixture.DOMAIN)).contains("127.0.0.4");
        await().atMost(Duration.ofSeconds(10)).until(() -> get(a.resolve("/v1/health")).path("problems").path("failover")
                .asText("").contains("web") || get(b.resolve("/v1/health")).path("problems").path("failover")
                .asText("").contains("web"));
        JsonNode listing = get(b.resolve("/v1/failover"));
        assertThat(listing.path("failover")).extracting(n -> n.path("name").asText()).containsExactly("db", "web");
        List<String> records = new ArrayList<>();
        get(a.resolve("/v1/records")).path("records").forEach(r -> records.add(r.path("name").asText()));
        assertThat(records).containsExactly(DB, "web." + RunFixture.DOMAIN);
        assertThat(send(HttpRequest.newBuilder(run.api("/v1/failover/db"))).statusCode())
                .as("read on the operations listener only").isEqualTo(404);

        // Removed: the record goes, the name is unknown.
        assertThat(send(HttpRequest.newBuilder(run.api("/v1/failover/web")).header("X-Elephant-Key", KEY).DELETE())
                .statusCode()).isEqualTo(409);
        HttpResponse<String> removed = send(HttpRequest.newBuilder(run.api("/v1/failover/db"))
                .header("X-Elephant-Key", KEY).DELETE());
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> providerAddress(DB).isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() ->
                send(HttpRequest.newBuilder(a.resolve("/v1/failover/db"))).statusCode() == 404);
    }
}
