package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elephant.app.dev.DevStack;
import dev.elephant.app.runtime.ElephantSettings;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.events.DeadLetter;
import dev.elephant.events.DnsMutation;
import dev.elephant.events.Json;
import dev.elephant.events.MeetingReady;
import dev.elephant.events.Secret;
import dev.elephant.events.Topics;
import dev.elephant.topology.common.TopologyConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * Issue 2's acceptance, end to end: EC2 launches through the real AWS SDK against the stand-in,
 * EventBridge deliveries over HTTP, a real Kafka broker, the topology, the DNS sink and the Cloudflare
 * stand-in, checked through real DNS queries, the HTTP API and the topics. {@link WalkingSkeletonOnRoute53Test} runs
 * the same on Route 53.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalkingSkeletonTest {

    private static final String DOMAIN = "elephant.test";
    private static final String KEY_HEADER = "X-Elephant-Key";
    private static final String KEY = "test-ingest-key-7f3a";
    private static final Duration WITHIN = Duration.ofSeconds(60);

    @TempDir
    static Path dataDir;
    private final String prefix = "e2e-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final Topics topics = new Topics(prefix);
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    DevStack stack;
    private Ec2Client ec2;
    private String teacher;
    private String student;

    @BeforeAll
    void start() throws IOException {
        stack = startStack();
    }

    private DevStack startStack() throws IOException {
        DevStack s = DevStack.start(new DevStack.Options(dataDir, SharedKafka.bootstrapServers(), "127.0.0.1", 0, 0, 0, 0, 0, 0,
                DOMAIN, KEY_HEADER, Secret.of(KEY), "eventbridge", Secret.of("basic-pass-1"), ProjectFilter.defaults(), TopologyConfig.DEFAULT_LINK_TEMPLATE,
                "test", prefix, prefix + "app", 3, Duration.ofMillis(300), Duration.ofMinutes(10), Duration.ofMinutes(5), null, null)
                .withProvider(provider()));
        ec2 = Ec2Launcher.client(s.aws());
        return s;
    }

    @AfterAll
    void stop() {
        if (ec2 != null) {
            ec2.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    /** The provider Elephant writes to in this run. */
    ElephantSettings.DnsProviderKind provider() {
        return ElephantSettings.DnsProviderKind.CLOUDFLARE;
    }

    /** Elephant's and everyone's records as the provider's stand-in holds them, "name content", sorted. */
    List<String> providerRecords() {
        return stack.cloudflare().records().stream().map(r -> r.name() + " " + r.content()).sorted().toList();
    }

    /** Write requests the provider's stand-in answered since it started. */
    long providerWriteRequests() {
        return stack.cloudflare().writeRequestCount();
    }

    /** Record writes the provider's stand-in applied. */
    long providerRecordWrites() {
        return stack.cloudflare().changesApplied();
    }

    private String launch(String... tags) {
        return Ec2Launcher.launch(ec2, tags);
    }

    private Instance describe(String id) {
        return ec2.describeInstances(d -> d.instanceIds(id)).reservations().get(0).instances().get(0);
    }

    /** Ingest, join and probes are on the public listener; queries and metrics on the operations listener. */
    private HttpResponse<String> get(String path) throws Exception {
        boolean ops = !path.contains("/join") && !path.equals("/readyz") && !path.equals("/healthz");
        return http.send(HttpRequest.newBuilder((ops ? stack.opsUrl() : stack.apiUrl()).resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A query, once it is answered: 503 only says Kafka Streams is (re)balancing its state just now. */
    private HttpResponse<String> query(String path) throws Exception {
        await().atMost(WITHIN).until(() -> get(path).statusCode() != 503);
        return get(path);
    }

    private HttpResponse<String> post(String path, String key, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(stack.apiUrl().resolve(path))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            b.header(KEY_HEADER, key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postBasic(String user, String password, byte[] body) throws Exception {
        String credentials = java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
        return http.send(HttpRequest.newBuilder(stack.apiUrl().resolve("/v1/eventbridge"))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Authorization", "Basic " + credentials)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Message dig(String name) throws IOException {
        SimpleResolver resolver = new SimpleResolver(InetAddress.getLoopbackAddress());
        resolver.setPort(stack.dnsPort());
        resolver.setTimeout(Duration.ofSeconds(2));
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), Type.A, DClass.IN)));
    }

    private Optional<String> resolve(String id) throws IOException {
        Message answer = dig(id + "." + DOMAIN);
        return answer.getSection(Section.ANSWER).stream().filter(r -> r instanceof ARecord)
                .map(r -> ((ARecord) r).getAddress().getHostAddress()).findFirst();
    }

    @Test
    @Order(1)
    void joinIsUnknownBeforeTheMeetingAndNotReadyUntilEveryRoleHasAConfirmedRecord() throws Exception {
        await().atMost(WITHIN).until(() -> get("/readyz").statusCode() == 200);
        assertThat(get("/v1/meetings/m-1/join?role=teacher").statusCode()).isEqualTo(404);

        HttpResponse<String> scheduled = post("/v1/meetings", KEY, ("{\"type\":\"scheduled\",\"meetingId\":\"m-1\","
                + "\"roles\":[\"teacher\",\"student\"],\"startsAt\":\"2026-11-22T10:00:00Z\","
                + "\"endsAt\":\"2026-11-22T11:00:00Z\"}").getBytes());
        assertThat(scheduled.statusCode()).isEqualTo(202);

        await().atMost(WITHIN).until(() -> get("/v1/meetings/m-1/join?role=teacher").statusCode() == 425);
        HttpResponse<String> early = get("/v1/meetings/m-1/join?role=teacher");
        assertThat(early.headers().firstValue("Retry-After")).isPresent();
        assertThat(get("/v1/meetings/m-1/join?role=janitor").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void launchedInstanceResolvesToItsPublicIpAndTheMeetingBecomesReady() throws Exception {
        stack.aws().throttlePutEvents(2); // the link publisher must retry until EventBridge takes the event
        teacher = launch("Project", "Elephant", "MeetingId", "m-1", "Role", "teacher");
        student = launch("Project", "Elephant", "MeetingId", "m-1", "Role", "student");

        await().atMost(WITHIN).until(() -> resolve(teacher).isPresent() && resolve(student).isPresent());
        assertThat(resolve(teacher)).contains(describe(teacher).publicIpAddress());
        assertThat(resolve(student)).contains(describe(student).publicIpAddress());

        await().atMost(WITHIN).until(() -> get("/v1/meetings/m-1/join?role=teacher").statusCode() == 302);
        assertThat(get("/v1/meetings/m-1/join?role=teacher").headers().firstValue("Location"))
                .contains("https://" + teacher + ".elephant.test:8443");
        assertThat(get("/v1/meetings/m-1/join?role=student").headers().firstValue("Location"))
                .contains("https://" + student + ".elephant.test:8443");

        JsonNode meeting = Json.mapper().readTree(query("/v1/meetings/m-1").body());
        assertThat(meeting.get("status").asText()).isEqualTo("ready");

        JsonNode instance = Json.mapper().readTree(query("/v1/instances/" + teacher).body());
        assertThat(instance.get("state").asText()).isEqualTo("running");
        assertThat(instance.get("record").get("status").asText()).isEqualTo("confirmed");
    }

    @Test
    @Order(3)
    void theInternetFacingListenerServesIngestAndJoinButNoQueryMetricsOrHealth() throws Exception {
        for (String path : List.of("/v1/instances/" + teacher, "/v1/meetings/m-1", "/metrics", "/v1/health")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(stack.apiUrl().resolve(path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).contains("operations listener").doesNotContain(teacher + "\",");
        }
        assertThat(http.send(HttpRequest.newBuilder(stack.apiUrl().resolve("/v1/meetings/m-1/join?role=teacher"))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(302);
        assertThat(get("/v1/instances/" + teacher).statusCode()).as("on the operations listener").isEqualTo(200);
    }

    @Test
    @Order(3)
    void meetingReadyCarriesTheLinkOfEveryRole() {
        // The store answers as soon as the change is processed; the topic shows it once the
        // exactly-once transaction commits (every 100 ms).
        await().atMost(WITHIN).until(() -> !TopicReader.readAll(stack.bootstrapServers(), topics.meetingReady()).isEmpty());
        List<ConsumerRecord<String, String>> ready = TopicReader.readAll(stack.bootstrapServers(), topics.meetingReady());
        MeetingReady last = Json.fromBytes(ready.get(ready.size() - 1).value().getBytes(), MeetingReady.class);
        assertThat(last.meetingId()).isEqualTo("m-1");
        assertThat(last.links()).isEqualTo(Map.of(
                "teacher", "https://" + teacher + ".elephant.test:8443",
                "student", "https://" + student + ".elephant.test:8443"));
    }

    @Test
    @Order(3)
    void meetingLinksArePutOnEventBridgeOnceDespiteThrottling() throws Exception {
        await().atMost(WITHIN).until(() -> stack.aws().putEvents().stream()
                .anyMatch(e -> e.detailType().equals("Meeting Ready")));
        List<dev.elephant.standins.aws.PutEvent> put = stack.aws().putEvents().stream()
                .filter(e -> e.detailType().equals("Meeting Ready")).toList();
        assertThat(put).hasSize(1);
        assertThat(put.get(0).source()).isEqualTo("elephant");
        var detail = Json.mapper().readTree(put.get(0).detail());
        assertThat(detail.get("meetingId").asText()).isEqualTo("m-1");
        assertThat(detail.get("eventId").asText()).startsWith("m-1/ready/");
        assertThat(detail.get("links").get("teacher").asText()).isEqualTo("https://" + teacher + ".elephant.test:8443");
        assertThat(get("/metrics").body()).containsPattern("elephant_meeting_scheduled_to_ready_seconds_count 1(\\.0)?\\n");
    }

    @Test
    @Order(4)
    void instanceWithoutTheProjectTagGetsNoRecord() throws Exception {
        String other = launch("Project", "Other");
        await().atMost(WITHIN).until(() -> stack.aws().instances().stream()
                .anyMatch(i -> i.instanceId().equals(other) && i.state().wireName().equals("running")));
        // The running event of the other project's instance has been answered once a later event of ours is in.
        String marker = launch("Project", "Elephant");
        await().atMost(WITHIN).until(() -> resolve(marker).isPresent());

        assertThat(resolve(other)).isEmpty();
        assertThat(get("/v1/instances/" + other).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(5)
    void terminatedInstanceLosesItsRecord() throws Exception {
        ec2.terminateInstances(t -> t.instanceIds(student));
        await().atMost(WITHIN).until(() -> dig(student + "." + DOMAIN).getRcode() == Rcode.NXDOMAIN);
        await().atMost(WITHIN).until(() -> get("/v1/meetings/m-1/join?role=student").statusCode() == 425);
    }

    @Test
    @Order(6)
    void everyProviderWriteHasAnIntentBeforeAndAnOutcomeAfterNamingItsCause() {
        // An outcome follows its write once the provider has it in effect (Route 53: in sync), a moment later.
        await().atMost(WITHIN).untilAsserted(this::auditHasAnOutcomeForEveryIntent);
    }

    private void auditHasAnOutcomeForEveryIntent() {
        List<DnsMutation> audit = TopicReader.readAll(stack.bootstrapServers(), topics.dnsMutations()).stream()
                .map(r -> Json.fromBytes(r.value().getBytes(), DnsMutation.class)).toList();
        Map<String, List<DnsMutation>> byMutation = audit.stream()
                .filter(m -> m.phase() != DnsMutation.Phase.NOOP)
                .collect(Collectors.groupingBy(DnsMutation::mutationId));

        assertThat(byMutation).isNotEmpty();
        byMutation.values().forEach(phases -> {
            assertThat(phases).extracting(DnsMutation::phase)
                    .containsExactly(DnsMutation.Phase.INTENT, DnsMutation.Phase.APPLIED);
            assertThat(phases.get(0).causeId()).as("cause of %s", phases.get(0).name()).isNotBlank();
        });
        long applied = audit.stream().filter(m -> m.phase() == DnsMutation.Phase.APPLIED).count();
        assertThat(applied).as("record writes the provider's stand-in applied").isEqualTo(providerRecordWrites());
        assertThat(audit).anySatisfy(m -> {
            assertThat(m.name()).isEqualTo(student + ".elephant.test");
            assertThat(m.action()).isEqualTo(DnsMutation.Action.DELETE);
        });
    }

    @Test
    @Order(7)
    void badInputIsRejectedAndMalformedInputIsDeadLettered() throws Exception {
        byte[] valid = Json.toBytes(Map.of("version", "0", "id", "x-1", "detail-type",
                "EC2 Instance State-change Notification", "source", "aws.ec2", "time", "2026-11-20T09:00:19Z",
                "detail", Map.of("instance-id", teacher, "state", "running")));
        assertThat(post("/v1/eventbridge", null, valid).statusCode()).isEqualTo(401);
        assertThat(post("/v1/eventbridge", "wrong", valid).statusCode()).isEqualTo(401);
        assertThat(postBasic("eventbridge", "wrong", valid).statusCode()).isEqualTo(401);
        assertThat(postBasic("eventbridge", "basic-pass-1", valid).statusCode()).as("HTTP Basic, the alternative")
                .isEqualTo(202);
        assertThat(post("/v1/eventbridge", KEY, "{not json".getBytes()).statusCode()).isEqualTo(400);
        byte[] hostile = Json.toBytes(Map.of("version", "0", "id", "x-2", "detail-type",
                "EC2 Instance State-change Notification", "source", "aws.ec2", "time", "2026-11-20T09:00:19Z",
                "detail", Map.of("instance-id", "i-0123.evil.example.com", "state", "running")));
        assertThat(post("/v1/eventbridge", KEY, hostile).statusCode()).isEqualTo(400);
        assertThat(post("/v1/eventbridge", KEY, new byte[300 * 1024]).statusCode()).isEqualTo(413);

        List<DeadLetter> letters = TopicReader.readAll(stack.bootstrapServers(), topics.deadLetter()).stream()
                .map(r -> Json.fromBytes(r.value().getBytes(), DeadLetter.class)).toList();
        Map<String, DeadLetter> byReason = letters.stream()
                .collect(Collectors.toMap(DeadLetter::reason, Function.identity(), (a, b) -> a));
        // A body declared over the limit is refused before it is read, so there is nothing to dead-letter.
        assertThat(byReason).containsKeys("malformed-json", "invalid-instance-id").doesNotContainKey("too-large");
        assertThat(byReason.get("invalid-instance-id").payload()).contains("evil.example.com");
        assertThat(providerRecords()).noneMatch(r -> r.contains("evil"));
    }

    @Test
    @Order(10)
    void restartOnTheSameDataResumesWithItsStateAndMakesNoProviderWrite() throws Exception {
        List<String> before = providerRecords();
        stack.close();
        ec2.close();

        stack = startStack();

        await().atMost(WITHIN).until(() -> get("/readyz").statusCode() == 200);
        JsonNode instance = Json.mapper().readTree(query("/v1/instances/" + teacher).body());
        assertThat(instance.get("record").get("status").asText()).isEqualTo("confirmed");
        assertThat(resolve(teacher)).contains(describe(teacher).publicIpAddress());
        assertThat(providerRecords()).isEqualTo(before);
        assertThat(providerWriteRequests()).isZero();
    }

    @Test
    @Order(8)
    void metricsShowIngestProviderCallsLatencyAndSinkLag() throws Exception {
        String metrics = get("/metrics").body();
        assertThat(metrics).contains("elephant_ingest_events_total{outcome=\"accepted\",source=\"aws.ec2\"}")
                .contains("elephant_ingest_events_total{outcome=\"malformed-json\"")
                .contains("elephant_provider_calls_seconds_count{operation=\"batch\",outcome=\"ok\"")
                .contains("elephant_dns_event_to_applied_seconds_bucket")
                .contains("kafka_consumer_fetch_manager_records_lag")
                .contains("kafka_stream_");
    }

    @Test
    @Order(11)
    void auditTellsWhenTheStudentsRecordCameAndWentAndWhy() {
        java.io.StringWriter out = new java.io.StringWriter();
        int exit = new picocli.CommandLine(new AuditCommand()).setOut(new java.io.PrintWriter(out))
                .execute(student, "--bootstrap", stack.bootstrapServers(), "--topic-prefix", prefix);
        assertThat(exit).isZero();
        String table = out.toString();
        assertThat(table).contains(student + ".elephant.test")
                .contains("intent").contains("applied").contains("create").contains("delete")
                .contains("EC2 running at").contains("EC2 shutting-down at");

        java.io.StringWriter json = new java.io.StringWriter();
        new picocli.CommandLine(new AuditCommand()).setOut(new java.io.PrintWriter(json))
                .execute("m-1", "--bootstrap", stack.bootstrapServers(), "--topic-prefix", prefix, "--format", "json");
        assertThat(json.toString()).contains(teacher).contains(student);
    }

    /**
     * Every topic of the run matches its published schema (TopicReader checks each value), and the examples in the
     * docs are values of a real run: written from this one with {@code -Delephant.writeExamples=true}, otherwise
     * checked to still have the fields such values have.
     */
    @Test
    @Order(12)
    void everyTopicMatchesItsSchemaAndTheDocsExamplesAreLikeTheValuesOfARealRun() throws Exception {
        for (String topic : List.of(topics.instanceEvents(), topics.meetingEvents(), topics.dnsDesired(),
                topics.dnsMutations(), topics.meetingReady(), topics.deadLetter())) {
            TopicReader.readAll(stack.bootstrapServers(), topic);
        }
        JsonNode ready = TopicReader.readAll(stack.bootstrapServers(), topics.meetingReady()).stream()
                .filter(r -> r.value() != null).map(r -> tree(r.value())).findFirst().orElseThrow();
        List<JsonNode> mutations = TopicReader.readAll(stack.bootstrapServers(), topics.dnsMutations()).stream()
                .map(r -> tree(r.value())).toList();
        JsonNode intent = mutations.stream().filter(m -> m.path("phase").asText().equals("intent")
                && m.path("action").asText().equals("create")).findFirst().orElseThrow();
        JsonNode applied = mutations.stream().filter(m -> m.path("phase").asText().equals("applied")
                && m.path("mutationId").equals(intent.path("mutationId"))).findFirst().orElseThrow();
        Map<String, List<JsonNode>> examples = Map.of("meeting-ready", List.of(ready),
                "dns-mutations", List.of(intent, applied));
        Path dir = Path.of("..", "docs", "examples");
        for (var example : examples.entrySet()) {
            Path file = dir.resolve(example.getKey() + ".json");
            if (Boolean.getBoolean("elephant.writeExamples") && provider() == ElephantSettings.DnsProviderKind.CLOUDFLARE) {
                java.nio.file.Files.createDirectories(dir);
                java.nio.file.Files.writeString(file, Json.mapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsString(example.getValue()) + "\n");
            }
            JsonNode committed = Json.mapper().readTree(file.toFile());
            assertThat(committed.size()).as(file.toString()).isEqualTo(example.getValue().size());
            for (int i = 0; i < committed.size(); i++) {
                assertThat(dev.elephant.events.TopicSchemas.problems(example.getKey(), committed.get(i)))
                        .as(file + " [" + i + "]").isEmpty();
                assertThat(fieldNames(committed.get(i))).as(file + " [" + i + "] has the fields of a real value")
                        .isEqualTo(fieldNames(example.getValue().get(i)));
            }
        }
    }

    private static JsonNode tree(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static java.util.Set<String> fieldNames(JsonNode node) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
