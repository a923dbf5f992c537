package dev.elephant.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.events.DesiredRecord;
import dev.elephant.events.FailoverCheck;
import dev.elephant.events.FailoverName;
import dev.elephant.events.FailoverName.Check;
import dev.elephant.events.FailoverName.Target;
import dev.elephant.topology.failover.FailoverState;
import dev.elephant.topology.failover.TargetHealth;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** Where a failover name points, decided from its declaration and its checks' results alone. */
class FailoverRulesTest {

    private static final Instant T0 = TopologyFixture.T0;
    private static final String FQDN = "db." + TopologyFixture.DOMAIN;
    private int checks;

    private static FailoverName declaration(String id, Target primary, Target secondary, int failures, int passes) {
        return new FailoverName(1, "db", primary, secondary, new Check("tcp", 5432, null, null, null), "PT1S", "PT0.5S",
                failures, passes, 60, "api", id, T0);
    }

    private static FailoverName fixed(String id) {
        return declaration(id, new Target("127.0.0.2", null), new Target("127.0.0.3", null), 3, 2);
    }

    private FailoverCheck check(String declarationId, String target, boolean ok, Instant at) {
        String address = target.equals(FailoverCheck.PRIMARY) ? "127.0.0.2" : "127.0.0.3";
        return new FailoverCheck(1, "chk-" + (++checks), "db", declarationId, target, null, address, ok,
                ok ? "connected in 1 ms" : "connection refused", 1, at);
    }

    private FailoverCheck send(TopologyFixture f, String declarationId, String target, boolean ok, Instant at) {
        FailoverCheck c = check(declarationId, target, ok, at);
        f.failoverChecks.pipeInput("db", c, at);
        return c;
    }

    @Test
    void aNewNamePointsAtItsPrimaryBeforeAnyResult() {
        try (TopologyFixture f = new TopologyFixture()) {
            f.failoverNames.pipeInput("db", fixed("d1"), T0);
            DesiredRecord r = f.desired.readValue();
            assertThat(r.name()).isEqualTo(FQDN);
            assertThat(r.content()).isEqualTo("127.0.0.2");
            assertThat(r.ttl()).isEqualTo(60);
            assertThat(r.causeId()).isEqualTo("d1");
            assertThat(f.failover("db").current()).isEqualTo("primary");
        }
    }

    @Test
    void theNameMovesToTheSecondaryAfterFailuresInARowAndNamesTheLastAsItsCause() {
        try (TopologyFixture f = new TopologyFixture()) {
            f.failoverNames.pipeInput("db", fixed("d1"), T0);
            f.desired.readRecordsToList();
            send(f, "d1", "secondary", true, T0.plusSeconds(1));
            send(f, "d1", "primary", false, T0.plusSeconds(1));
            send(f, "d1", "primary", false, T0.plusSeconds(2));
            assertThat(f.desired.isEmpty()).as("two failures of three move nothing").isTrue();
            send(f, "d1", "primary", true, T0.plusSeconds(3));
            send(f, "d1", "primary", false, T0.plusSeconds(4));
            send(f, "d1", "primary", false, T0.plusSeconds(5));
            assertThat(f.desired.isEmpty()).as("a pass in between starts the count again").isTrue();
            FailoverCheck third = send(f, "d1", "primary", false, T0.plusSeconds(6));
            TestRecord<String, DesiredRecord> moved = f.desired.readRecord();
            assertThat(moved.value().content()).isEqualTo("127.0.0.3");
            assertThat(moved.value().causeId()).isEqualTo(third.checkId());
            assertThat(new String(moved.headers().lastHeader(DesiredRecord.EVENT_TIME_HEADER).value(),
                    StandardCharsets.UTF_8)).isEqualTo("2026-11-22T10:00:06Z");
            FailoverState s = f.failover("db");
            assertThat(s.current()).isEqualTo("secondary");
            assertThat(s.primary().health()).isEqualTo(TargetHealth.Health.UNHEALTHY);
            assertThat(s.primary().recent()).hasSize(5).last().isEqualTo(third);
            assertThat(f.desired.isEmpty()).isTrue();
        }
    }

    @Test
    void theNameComesBackToThePrimaryAfterPassesInARow() {
        try (TopologyFixture f = new TopologyFixture()) {
            f.failoverNames.pipeInput("db", fixed("d1"), T0);
            for (int i = 1; i <= 3; i++) {
                send(f, "d1", "primary", false, T0.plusSeconds(i));
            }
            f.desired.readRecordsToList();
            send(f, "d1", "primary", true, T0.plusSeconds(4));
            assertThat(f.desired.isEmpty()).as("one pass of two moves nothing").isTrue();
            FailoverCheck second = send(f, "d1", "primary", true, T0.plusSeconds(5));
            DesiredRecord back = f.desired.readValue();
            assertThat(back.content()).isEqualTo("127.0.0.2");
            assertThat(back.causeId()).isEqualTo(second.checkId());
            assertThat(f.failover("db").primary().health()).isEqualTo(TargetHealth.Health.HEALTHY);
        }
    }

    @Test
    void whenBothTargetsFailTheNameStaysAtThePrimaryAndSaysSo() {
        try (TopologyFixture f = new TopologyFixture()) {
            f.failoverNames.pipeInput("db", fixed("d1"), T0);
            for (int i = 1; i <= 3; i++) {
                send(f, "d1", "secondary", false, T0.plusSeconds(i));
            }
            assertThat(f.failover("db").bothUnhealthy()).isFalse();
            for (int i = 1; i <= 3; i++) {
                send(f, "d1", "primary", false, T0.plusSeconds(i));
            }
            List<DesiredRecord> out = f.desired.readValuesToList();
            assertThat(out).extracting(DesiredRecord::content).containsExactly("127.0.0.2");
            assertThat(out).doesNotContainNull();
            FailoverState s = f.failover("db");
            assertThat(s.bothUnhealthy()).isTrue();
            assertThat(s.current()).isEqualTo("primary");
            assertThat(s.content()).isEqualTo("127.0.0.2");
            send(f, "d1", "secondary", true, T0.plusSeconds(5));
            send(f, "d1", "secondary", true, T0.plusSeconds(6));
            assertThat(f.desired.readValue().content()).as("the secondary recovered first").isEqualTo("127.0.0.3");
            assertThat(f.failover("db").bothUnhealthy()).isFalse();
        }
    }

    @Test
    void anInstanceTargetFollowsTheAddressItsChecksFound() {
        try (TopologyFixture f = new TopologyFixture()) {
            f.failoverNames.pipeInput("db", declaration("d1", new Target(null, "i-0abc1234"),
                    new Target("10.0.9.9", null), 1, 1), T0);
            assertThat(f.desired.readValue().content()).as("before its first check the instance has no address known: "
                    + "the name points at the target that has one").isEqualTo("10.0.9.9");
            f.failoverChecks.pipeInput("db", new FailoverCheck(1, "c1", "db", "d1", "primary", "i-0abc1234", "203.0.113.7",
                    true, "connected in 2 ms", 2, T0.plusSeconds(1)), T0.plusSeconds(1));
            assertThat(f.desired.readValue().content()).isEqualTo("203.0.113.7");
            f.failoverChecks.pipeInput("db", new FailoverCheck(1, "c2", "db", "d1", "primary", "i-0abc1234",
                    "203.0.113.8", true, "connected in 2 ms", 2, T0.plusSeconds(2)), T0.plusSeconds(2));
            assertThat(f.desired.readValue().content()).as("stopped and started: a new address").isEqualTo("203.0.113.8");
            f.failoverChecks.pipeInput("db", new FailoverCheck(1, "c3", "db", "d1", "primary", "i-0ffff0000", "1.1.1.1",
                    true, "connected", 2, T0.plusSeconds(3)), T0.plusSeconds(3));
            assertThat(f.desired.isEmpty()).as("a result for another instance is not this target's").isTrue();
        }
    }

    @Test
    void resultsOfAnotherDeclarationOrOutOfOrderAreIgnored() {
        try (TopologyFixture f = new TopologyFixture()) {
            f.failoverNames.pipeInput("db", fixed("d1"), T0);
            send(f, "d1", "primary", false, T0.plusSeconds(10));
            send(f, "d0", "primary", false, T0.plusSeconds(11));
            send(f, "d0", "primary", false, T0.plusSeconds(12));
            send(f, "d1", "primary", false, T0.plusSeconds(5));
            send(f, "d1", "primary", false, T0.plusSeconds(6));
            assertThat(f.failover("db").primary().inARow()).isEqualTo(1);
            assertThat(f.failover("db").current()).isEqualTo("primary");
        }
    }

    @Test
    void theSameDeclarationAgainMovesNothingAndKeepsWhatTheChecksSaid() {
        try (TopologyFixture f = new TopologyFixture()) {
            f.failoverNames.pipeInput("db", fixed("d1"), T0);
            for (int i = 1; i <= 3; i++) {
                send(f, "d1", "primary", false, T0.plusSeconds(i));
            }
            f.desired.readRecordsToList();
            f.failoverNames.pipeInput("db", fixed("d2"), T0.plusSeconds(4));
            assertThat(f.desired.isEmpty()).isTrue();
            FailoverState s = f.failover("db");
            assertThat(s.declaration().declarationId()).isEqualTo("d2");
            assertThat(s.current()).isEqualTo("secondary");
            send(f, "d1", "primary", true, T0.plusSeconds(5));
            assertThat(f.failover("db").primary().inARow()).as("the old declaration's results no longer count")
                    .isEqualTo(3);
        }
    }

    @Test
    void aDeclarationThatChangesATargetStartsThatTargetAfresh() {
        try (TopologyFixture f = new TopologyFixture()) {
            f.failoverNames.pipeInput("db", fixed("d1"), T0);
            for (int i = 1; i <= 3; i++) {
                send(f, "d1", "primary", false, T0.plusSeconds(i));
            }
            f.desired.readRecordsToList();
            f.failoverNames.pipeInput("db", declaration("d2", new Target("127.0.0.4", null),
                    new Target("127.0.0.3", null), 3, 2), T0.plusSeconds(4));
            DesiredRecord r = f.desired.readValue();
            assertThat(r.content()).as("a new primary, unknown, so healthy").isEqualTo("127.0.0.4");
            assertThat(r.causeId()).isEqualTo("d2");
        }
    }

    @Test
    void removingANameRemovesItsRecordNamingTheRemoval() {
        try (TopologyFixture f = new TopologyFixture()) {
            f.failoverNames.pipeInput("db", fixed("d1"), T0);
            f.desired.readRecordsToList();
            f.failoverNames.pipeInput(new TestRecord<>("db", null, new RecordHeaders().add(DesiredRecord.CAUSE_HEADER,
                    "del-1".getBytes(StandardCharsets.UTF_8)), T0.plusSeconds(1)));
            TestRecord<String, DesiredRecord> tombstone = f.desired.readRecord();
            assertThat(tombstone.key()).isEqualTo(FQDN);
            assertThat(tombstone.value()).isNull();
            assertThat(new String(tombstone.headers().lastHeader(DesiredRecord.CAUSE_HEADER).value(),
                    StandardCharsets.UTF_8)).isEqualTo("del-1");
            assertThat(f.failover("db")).isNull();
            send(f, "d1", "primary", false, T0.plusSeconds(2));
            assertThat(f.desired.isEmpty()).as("a late result of a removed name brings nothing back").isTrue();
        }
    }

    @Test
    void aReplayOfTheSameHistoryMakesTheSameDecisions() {
        List<Object> history = new java.util.ArrayList<>();
        history.add(fixed("d1"));
        boolean[] primaryOk = {true, false, false, false, true, false, true, true, true, false};
        for (int i = 0; i < primaryOk.length; i++) {
            history.add(check("d1", "primary", primaryOk[i], T0.plusSeconds(i + 1)));
            history.add(check("d1", "secondary", i % 4 != 0, T0.plusSeconds(i + 1)));
        }
        history.add(fixed("d2"));
        List<TestRecord<String, DesiredRecord>> first = run(history);
        List<TestRecord<String, DesiredRecord>> replay = run(history);
        assertThat(first).isNotEmpty();
        assertThat(replay).extracting(TestRecord::key).containsExactlyElementsOf(first.stream().map(TestRecord::key).toList());
        assertThat(replay).extracting(TestRecord::value).containsExactlyElementsOf(
                first.stream().map(TestRecord::value).toList());
    }

    private static List<TestRecord<String, DesiredRecord>> run(List<Object> history) {
        try (TopologyFixture f = new TopologyFixture()) {
            for (Object o : history) {
                if (o instanceof FailoverName d) {
                    f.failoverNames.pipeInput("db", d, d.time());
                } else {
                    FailoverCheck c = (FailoverCheck) o;
                    f.failoverChecks.pipeInput("db", c, c.time());
                }
            }
            return f.desired.readRecordsToList();
        }
    }
}
