package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elephant.app.config.RunConfig;
import dev.elephant.app.replay.ReplayReset;
import dev.elephant.app.runtime.Elephant;
import dev.elephant.app.runtime.ElephantSettings;
import dev.elephant.events.Json;
import dev.elephant.events.MachineAction;
import dev.elephant.standins.aws.Ec2Instance;
import dev.elephant.standins.aws.Ec2RequestLimits;
import dev.elephant.topology.common.ClientTokens;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The meeting's machines in `elephant run` against the EC2 stand-in: launched at start − lead with a client token
 * per seat, ready, terminated at the end; a failed launch shown and tried again; the safety net; the cost guard;
 * and a replay that calls EC2 for nothing.
 */
class MeetingMachinesTest {

    private static final String KEY = "k-machines";
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final String LAUNCH = "{\"imageId\":\"ami-0abc1234def567890\",\"instanceType\":\"t3.large\"}";

    @TempDir
    Path dir;
    private RunFixture run;

    @AfterEach
    void close() {
        if (run != null) {
            run.close();
        }
    }

    private ElephantSettings start(String yaml) throws Exception {
        run = new RunFixture("machines", "cf-machines", KEY);
        ElephantSettings settings = RunConfig.load(run.config(dir, "\n" + yaml), Map.of("ELEPHANT_INGEST_KEY", KEY,
                "ELEPHANT_CLOUDFLARE_TOKEN", "cf-machines"), (id, region, endpoint) -> null);
        run.elephant = Elephant.start(settings);
        return settings;
    }

    @Test
    void aMeetingsInstancesAreLaunchedOncePerSeatBeforeItStartsAndTerminatedAtItsEndAndAReplayCallsEc2ForNothing()
            throws Exception {
        ElephantSettings settings = start("""
                launch:
                  lead: PT10S
                  tickInterval: PT1S
                """);
        Instant startsAt = Instant.now().plusSeconds(25).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        post("""
                {"type":"scheduled","meetingId":"m-1","roles":["teacher","student"],"startsAt":"%s",
                 "endsAt":"%s","launch":%s}""".formatted(startsAt, startsAt.plusSeconds(3600), LAUNCH));
        assertThat(seat("m-1", "teacher").get("launch").asText()).isEqualTo("due");
        assertThat(run.aws.ec2Calls("RunInstances")).isZero();

        await().atMost(WITHIN).until(() -> "ready".equals(meeting("m-1").get("status").asText()));
        assertThat(Instant.now()).as("launched lead before the start, not at it").isBefore(startsAt.plusSeconds(2));
        List<Ec2Instance> launched = ofMeeting("m-1");
        assertThat(launched).hasSize(2);
        assertThat(launched).allSatisfy(i -> {
            assertThat(i.tags()).containsEntry("Project", "Elephant").containsEntry("elephant:launched-by", "prod");
            assertThat(i.imageId()).isEqualTo("ami-0abc1234def567890");
            assertThat(i.instanceType()).isEqualTo("t3.large");
        });
        assertThat(launched).extracting(i -> i.tags().get("Role")).containsExactlyInAnyOrder("teacher", "student");
        for (String role : List.of("teacher", "student")) {
            assertThat(seat("m-1", role).get("launch").asText()).isEqualTo("launched");
            HttpResponse<String> join = HTTP.send(HttpRequest.newBuilder(run.api("/v1/meetings/m-1/join?role=" + role))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(join.statusCode()).isEqualTo(302);
        }
        List<MachineAction> launches = actions().stream()
                .filter(a -> a.action() == dev.elephant.events.MachineCommand.Action.LAUNCH).toList();
        assertThat(launches).extracting(MachineAction::phase).containsExactlyInAnyOrder(MachineAction.Phase.INTENT,
                MachineAction.Phase.INTENT, MachineAction.Phase.APPLIED, MachineAction.Phase.APPLIED);
        assertThat(launches).extracting(MachineAction::clientToken).containsOnly(
                ClientTokens.forSeat("m-1", "teacher", 1), ClientTokens.forSeat("m-1", "student", 1));

        post("{\"type\":\"ended\",\"meetingId\":\"m-1\"}");
        await().atMost(WITHIN).until(() -> ofMeeting("m-1").stream()
                .allMatch(i -> i.state().wireName().equals("terminated")));
        await().atMost(WITHIN).until(() -> run.provider.records().stream().noneMatch(r -> r.name().startsWith("i-")));
        await().atMost(WITHIN).until(() -> actions().stream().anyMatch(a -> a.phase() == MachineAction.Phase.APPLIED
                && "meeting-ended".equals(a.reason())));
        assertThat(run.aws.ec2Calls("RunInstances")).as("one call per seat").isEqualTo(2);

        run.elephant.close();
        run.elephant = null;
        long runs = run.aws.ec2Calls("RunInstances");
        long terminations = run.aws.ec2Calls("TerminateInstances");
        int audited = actions().size();
        new ReplayReset(settings, new PrintWriter(new StringWriter())).reset(false);
        run.elephant = Elephant.start(settings, true);
        await().atMost(WITHIN).until(() -> run.elephant.isReady());
        // The replayed topology decides the same launches and termination again; the executor finds each done.
        Thread.sleep(3_000);
        assertThat(run.aws.ec2Calls("RunInstances")).as("RunInstances during the replay").isEqualTo(runs);
        assertThat(run.aws.ec2Calls("TerminateInstances")).as("TerminateInstances during the replay").isEqualTo(terminations);
        assertThat(actions()).as("nothing audited again").hasSize(audited);
        assertThat(ofMeeting("m-1")).hasSize(2);
    }

    @Test
    void launchesArePacedToRunInstancesRequestBucketSoEc2ThrottlesNone() throws Exception {
        start("""
                launch:
                  lead: PT5S
                  tickInterval: PT1S
                  requestBucket: 2
                  requestRefillPerSecond: 2
                """);
        // RunInstances' request bucket as Elephant was told it (the others unbounded, as the fixture's Describe share
        // is): eight launches at once (launch.concurrency 8) would meet it.
        onlyThisEc2BucketLimited("RunInstances", new Ec2RequestLimits.Bucket(2, 2));
        launchFourMeetingsAndAwaitThemReady("p-");
        assertThat(run.aws.ec2Throttled("RunInstances")).as("RunInstances answered RequestLimitExceeded").isZero();
        assertThat(run.aws.ec2Calls("RunInstances")).as("one call per seat").isEqualTo(8);
    }

    @Test
    void terminationsArePacedToTerminateInstancesRequestBucketSoEc2ThrottlesNone() throws Exception {
        start("""
                launch:
                  lead: PT5S
                  tickInterval: PT1S
                  terminateRequestBucket: 2
                  terminateRequestRefillPerSecond: 2
                """);
        // TerminateInstances' request bucket as Elephant was told it (the others unbounded): four meetings ending at
        // once are four calls side by side (launch.concurrency 8), which would meet it.
        onlyThisEc2BucketLimited("TerminateInstances", new Ec2RequestLimits.Bucket(2, 2));
        launchFourMeetingsAndAwaitThemReady("t-");
        for (int m = 1; m <= 4; m++) {
            post("{\"type\":\"ended\",\"meetingId\":\"t-" + m + "\"}");
        }
        for (int m = 1; m <= 4; m++) {
            String id = "t-" + m;
            await().atMost(WITHIN).until(() -> ofMeeting(id).stream()
                    .allMatch(i -> i.state().wireName().equals("terminated")));
        }
        assertThat(run.aws.ec2Throttled("TerminateInstances")).as("TerminateInstances answered RequestLimitExceeded")
                .isZero();
        assertThat(run.aws.ec2Calls("TerminateInstances")).as("one call per meeting").isEqualTo(4);
    }

    /** The stand-in limits {@code action} to {@code bucket} and nothing else (the fixture's Describe share is unbounded). */
    private void onlyThisEc2BucketLimited(String action, Ec2RequestLimits.Bucket bucket) {
        Ec2RequestLimits.Bucket unbounded = new Ec2RequestLimits.Bucket(1_000_000, 1_000_000);
        run.aws.requestLimits(new Ec2RequestLimits(Map.of(action, bucket), unbounded, unbounded, unbounded));
    }

    /** Four meetings of two roles, launched by Elephant (eight launches side by side), each awaited ready. */
    private void launchFourMeetingsAndAwaitThemReady(String prefix) throws Exception {
        Instant startsAt = Instant.now().plusSeconds(10).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        for (int m = 1; m <= 4; m++) {
            post("""
                    {"type":"scheduled","meetingId":"%s%d","roles":["teacher","student"],"startsAt":"%s",
                     "endsAt":"%s","launch":%s}""".formatted(prefix, m, startsAt, startsAt.plusSeconds(3600), LAUNCH));
        }
        for (int m = 1; m <= 4; m++) {
            String id = prefix + m;
            await().atMost(WITHIN).until(() -> "ready".equals(meeting(id).path("status").asText()));
        }
    }

    @Test
    void aFailedLaunchShowsOnItsSeatAndIsTriedAgainAsTheNextAttempt() throws Exception {
        start("""
                launch:
                  lead: PT1H
                  tickInterval: PT1S
                """);
        run.aws.failLaunches(1);
        Instant startsAt = Instant.now().plusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        post("""
                {"type":"scheduled","meetingId":"m-2","roles":["teacher"],"startsAt":"%s","endsAt":"%s","launch":%s}"""
                .formatted(startsAt, startsAt.plusSeconds(3600), LAUNCH));
        await().atMost(WITHIN).until(() -> "failed".equals(seat("m-2", "teacher").path("launch").asText()));
        JsonNode failed = seat("m-2", "teacher");
        assertThat(failed.get("error").asText()).isEqualTo("InsufficientInstanceCapacity");
        assertThat(failed.get("retrying").asBoolean()).isTrue();
        await().atMost(WITHIN).until(() -> "launched".equals(seat("m-2", "teacher").path("launch").asText()));
        assertThat(seat("m-2", "teacher").get("attempt").asInt()).isEqualTo(2);
        assertThat(ofMeeting("m-2")).hasSize(1);
    }

    @Test
    void theSafetyNetTerminatesAnIdleInstanceOfTheProjectOnEveryPartitionButNeverOneTaggedKeep() throws Exception {
        start("""
                launch:
                  tickInterval: PT1S
                reap:
                  after: PT5S
                """);
        // Idle instances on each of the three partitions: the time reaches every task of the instance side.
        Map<Integer, String> idleByPartition = new TreeMap<>();
        String kept;
        try (Ec2Client ec2 = Ec2Launcher.client(run.aws)) {
            for (int i = 0; i < 40 && idleByPartition.size() < 3; i++) {
                String id = Ec2Launcher.launch(ec2, "Project", "Elephant");
                idleByPartition.putIfAbsent(partitionOf(id, 3), id);
            }
            kept = Ec2Launcher.launch(ec2, "Project", "Elephant", "elephant:keep", "true");
        }
        assertThat(idleByPartition).hasSize(3);
        for (String idle : idleByPartition.values()) {
            await().atMost(WITHIN).until(() -> state(idle).equals("terminated"));
            await().atMost(WITHIN).until(() -> actions().stream().anyMatch(a -> a.phase() == MachineAction.Phase.APPLIED
                    && a.instanceIds().contains(idle) && "no-meeting".equals(a.reason())));
        }
        assertThat(state(kept)).isEqualTo("running");
        Thread.sleep(6_000);
        assertThat(state(kept)).isEqualTo("running");
    }

    @Test
    void aLaunchPastMaxRunningIsRefusedWithoutACallAndDeadLettered() throws Exception {
        start("""
                launch:
                  lead: PT1H
                  tickInterval: PT1S
                  maxRunning: 1
                """);
        Instant startsAt = Instant.now().plusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        post("""
                {"type":"scheduled","meetingId":"m-3","roles":["teacher","student"],"startsAt":"%s","endsAt":"%s",
                 "launch":%s}""".formatted(startsAt, startsAt.plusSeconds(3600), LAUNCH));
        await().atMost(WITHIN).until(() -> actions().stream().anyMatch(a -> a.phase() == MachineAction.Phase.REFUSED));
        assertThat(ofMeeting("m-3")).hasSize(1);
        assertThat(run.aws.ec2Calls("RunInstances")).isEqualTo(1);
        MachineAction refused = actions().stream().filter(a -> a.phase() == MachineAction.Phase.REFUSED).findFirst()
                .orElseThrow();
        assertThat(refused.error()).isEqualTo("max-running");
        await().atMost(WITHIN).until(() -> TopicReader.readAll(SharedKafka.bootstrapServers(), run.prefix + "dead-letter")
                .stream().anyMatch(r -> r.value().contains("\"reason\":\"max-running\"")));
        String role = refused.role();
        assertThat(seat("m-3", role).get("launch").asText()).isEqualTo("refused");
        assertThat(seat("m-3", role).get("error").asText()).isEqualTo("max-running");
    }

    /** The partition the connector's producer writes an instance's events to (Kafka's default: murmur2 of the key). */
    private static int partitionOf(String instanceId, int partitions) {
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
                instanceId.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitions;
    }

    private void post(String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(run.api("/v1/meetings"))
                .header("X-Elephant-Key", KEY).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    private JsonNode meeting(String id) throws Exception {
        URI uri = run.ops("/v1/meetings/" + id);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? Json.mapper().readTree(r.body()) : Json.mapper().createObjectNode();
    }

    private JsonNode seat(String meetingId, String role) throws Exception {
        return await().atMost(WITHIN).until(() -> meeting(meetingId).path("seats").path(role), n -> !n.isMissingNode());
    }

    private List<Ec2Instance> ofMeeting(String meetingId) {
        return run.aws.instances().stream().filter(i -> meetingId.equals(i.tags().get("MeetingId"))).toList();
    }

    private String state(String id) {
        return run.aws.instances().stream().filter(i -> i.instanceId().equals(id)).findFirst().orElseThrow()
                .state().wireName();
    }

    private List<MachineAction> actions() {
        return TopicReader.readAll(SharedKafka.bootstrapServers(), run.prefix + "machine-actions").stream()
                .map(r -> Json.fromBytes(r.value().getBytes(java.nio.charset.StandardCharsets.UTF_8), MachineAction.class)).collect(Collectors.toList());
    }
}
