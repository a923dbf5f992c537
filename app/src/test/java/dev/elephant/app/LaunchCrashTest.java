package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elephant.events.Json;
import dev.elephant.events.MachineAction;
import dev.elephant.standins.aws.Ec2Instance;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code elephant run} killed with SIGKILL in the one moment that matters for EC2: after RunInstances (then
 * TerminateInstances) took effect and before Elephant heard the answer, with an intent on {@code machine-actions}
 * and no outcome. Started again on the same state, it must settle that intent by looking at EC2 (the same call with
 * the same client token answers the instance already launched): still exactly one instance per seat, every intent
 * with exactly one outcome, every meeting ready, and at the end every instance terminated.
 */
class LaunchCrashTest {

    private static final String TOKEN = "cf-token-launch-crash-41aa";
    private static final String KEY = "ingest-key-launch-crash-93be";
    private static final int MEETINGS = 10;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    private RunFixture run;
    private ElephantProcess elephant;
    private int starts;

    @AfterEach
    void stop() throws Exception {
        if (elephant != null) {
            elephant.close();
        }
        if (run != null) {
            run.close();
        }
    }

    @Test
    void killedBetweenAnEc2CallAndItsAnswerElephantLaunchesOneInstancePerSeatAndAccountsForEveryCall() throws Exception {
        run = new RunFixture("launch-crash", TOKEN, KEY);
        Path config = run.config(dir, """

                launch:
                  lead: PT1H
                  tickInterval: PT1S
                reap:
                  after: PT1H
                """);
        elephant = start(config);
        elephant.awaitOutput("Elephant public API on", Duration.ofSeconds(90));

        Instant startsAt = Instant.now().plus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        List<String> schedules = new java.util.ArrayList<>();
        List<String> ends = new java.util.ArrayList<>();
        for (int m = 0; m < MEETINGS; m++) {
            schedules.add("""
                    {"type":"scheduled","meetingId":"crash-%d","roles":["teacher","student"],"startsAt":"%s",
                     "endsAt":"%s","launch":{"imageId":"ami-0abc1234def567890","instanceType":"t3.large"}}"""
                    .formatted(m, startsAt, startsAt.plus(1, ChronoUnit.HOURS)));
            ends.add("{\"type\":\"ended\",\"meetingId\":\"crash-" + m + "\"}");
        }
        boolean killedInLaunch = killDuring("RunInstances", schedules);
        assertThat(killedInLaunch).as("killed after a RunInstances took effect, before its answer").isTrue();
        restartAndPostAgain(config, schedules);
        await().atMost(Duration.ofSeconds(120)).until(() -> seats().size() == 2 * MEETINGS
                && actions().stream().filter(a -> a.phase() == MachineAction.Phase.APPLIED).count() >= 2 * MEETINGS);
        assertThat(seats()).as("one instance per seat").allSatisfy((seat, ids) -> assertThat(ids).as(seat).hasSize(1));
        await().atMost(Duration.ofSeconds(120)).until(() -> readyMeetings() == MEETINGS);
        assertThat(actions()).as("nothing terminated that a running meeting uses")
                .noneMatch(a -> a.action() == dev.elephant.events.MachineCommand.Action.TERMINATE);
        assertThat(run.aws.instances()).allMatch(i -> i.state().wireName().equals("running"));

        boolean killedInTermination = killDuring("TerminateInstances", ends);
        assertThat(killedInTermination).isTrue();
        restartAndPostAgain(config, ends);
        await().atMost(Duration.ofSeconds(120)).until(() -> run.aws.instances().stream()
                .allMatch(i -> i.state().wireName().equals("terminated")));
        await().atMost(Duration.ofSeconds(60)).until(() -> actions().stream()
                .filter(a -> a.phase() == MachineAction.Phase.APPLIED).count() >= 2 * MEETINGS + MEETINGS);

        Map<String, List<MachineAction>> byCommand = actions().stream()
                .collect(Collectors.groupingBy(MachineAction::commandId));
        assertThat(byCommand.values()).as("every EC2 call: one intent, one outcome").allSatisfy(trail -> {
            assertThat(trail.stream().filter(a -> a.phase() == MachineAction.Phase.INTENT)).hasSize(1);
            assertThat(trail.stream().filter(a -> a.phase().isOutcome())).hasSize(1);
        });
        // At least the call each kill interrupted; calls made side by side with it may have been open too.
        assertThat(actions()).as("the intents open at the kills were settled by looking at EC2")
                .filteredOn(a -> a.detail() != null && a.detail().startsWith("settled after a restart"))
                .extracting(MachineAction::action).contains(dev.elephant.events.MachineCommand.Action.LAUNCH,
                        dev.elephant.events.MachineCommand.Action.TERMINATE);
        assertThat(seats()).as("still one instance per seat").hasSize(2 * MEETINGS)
                .allSatisfy((seat, ids) -> assertThat(ids).as(seat).hasSize(1));
        elephant.stop(Duration.ofSeconds(30));
        assertThat(elephant.output()).contains("Elephant stopped in").doesNotContain(TOKEN).doesNotContain(KEY);
    }

    /**
     * Posts the meeting events, killing Elephant inside the stand-in after the first {@code ec2Action} took effect;
     * the posts after the kill fail, as the meeting service's would.
     */
    private boolean killDuring(String ec2Action, List<String> events) throws Exception {
        return elephant.killInsideCall(hook -> run.aws.beforeAnsweringEc2(ec2Action, hook), () -> {
            for (String event : events) {
                try {
                    post(event);
                } catch (java.io.IOException dead) {
                    return;
                }
            }
        }, Duration.ofSeconds(60));
    }

    /**
     * Elephant again on the same state, and the meeting service sending what it sent again (those refused while
     * Elephant was down, and the rest: the same meeting events twice change nothing).
     */
    private void restartAndPostAgain(Path config, List<String> events) throws Exception {
        elephant = start(config);
        elephant.awaitOutput("Elephant public API on", Duration.ofSeconds(90));
        for (String event : events) {
            post(event);
        }
    }

    /** Instance ids by seat (meeting/role), whatever their state. */
    private Map<String, List<String>> seats() {
        return run.aws.instances().stream().filter(i -> i.tags().containsKey("MeetingId"))
                .collect(Collectors.groupingBy(i -> i.tags().get("MeetingId") + "/" + i.tags().get("Role"),
                        Collectors.mapping(Ec2Instance::instanceId, Collectors.toList())));
    }

    private long readyMeetings() {
        return TopicReader.readAll(SharedKafka.bootstrapServers(), run.prefix + "meeting-ready").stream()
                .filter(r -> r.value() != null).map(r -> r.key()).distinct().count();
    }

    private List<MachineAction> actions() {
        return TopicReader.readAll(SharedKafka.bootstrapServers(), run.prefix + "machine-actions").stream()
                .map(r -> Json.fromBytes(r.value().getBytes(StandardCharsets.UTF_8), MachineAction.class)).toList();
    }

    private void post(String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(run.api("/v1/meetings")).header("X-Elephant-Key", KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    private ElephantProcess start(Path config) throws Exception {
        // A log per run, so that waiting for this run's start line does not find the last run's.
        return ElephantProcess.run(dir.resolve("elephant-" + (++starts) + ".log"), config, KEY, TOKEN, Map.of());
    }
}
