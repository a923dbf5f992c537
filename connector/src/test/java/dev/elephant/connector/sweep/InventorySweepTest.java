package dev.elephant.connector.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.connector.ec2.InstanceFacts;
import dev.elephant.connector.ec2.InstanceLookup;
import dev.elephant.connector.ec2.InstanceSummary;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.connector.ecs.TaskInventory;
import dev.elephant.connector.ingest.EventLog;
import dev.elephant.events.InstanceEvent;
import dev.elephant.events.Json;
import dev.elephant.events.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The inventory sweep repairs lost events, and never makes final what EC2 did not say is over: an
 * instance a listing missed is asked for by id before anything is written about it.
 */
class InventorySweepTest {

    private static final String ID = "i-0123456789abcdef0";
    private static final Map<String, String> OURS = Map.of("Project", "Elephant", "MeetingId", "m-1");

    /** EC2 as the sweep sees it: what the project listing returns, and what a lookup by id returns. */
    private final List<InstanceSummary> listed = new ArrayList<>();
    private final Map<String, InstanceFacts> byId = new HashMap<>();
    private final List<InstanceEvent> appended = new ArrayList<>();
    /** Elephant's table as this instance holds it; {@code others} are ids whose partition another instance owns. */
    private final Map<String, KnownInstances.Known> table = new HashMap<>();
    private final Set<String> others = new HashSet<>();
    private final KnownInstances known = new KnownInstances() {
        @Override
        public boolean owns(String instanceId) {
            return !others.contains(instanceId);
        }

        @Override
        public Map<String, Known> held() {
            Map<String, Known> held = new HashMap<>();
            table.forEach((id, k) -> {
                if (owns(id)) {
                    held.put(id, k);
                }
            });
            return held;
        }
    };

    private final InstanceLookup ec2 = new InstanceLookup() {
        @Override
        public Optional<InstanceFacts> describe(String instanceId) {
            return Optional.ofNullable(byId.get(instanceId));
        }

        @Override
        public Map<String, Optional<InstanceFacts>> describeAll(Collection<String> instanceIds) {
            Map<String, Optional<InstanceFacts>> found = new HashMap<>();
            instanceIds.forEach(id -> found.put(id, describe(id)));
            return found;
        }

        @Override
        public Optional<InstanceFacts> describeNetworkInterface(String networkInterfaceId) {
            return Optional.empty();
        }

        @Override
        public List<InstanceSummary> listProject(ProjectFilter project) {
            return List.copyOf(listed);
        }
    };

    /** Each event written is applied to the table, as the topology would. */
    private final EventLog log = (topic, key, value, timeout) -> {
        InstanceEvent e = Json.fromBytes(value, InstanceEvent.class);
        appended.add(e);
        table.put(e.instanceId(), new KnownInstances.Known(e.instanceId(), e.source(), e.state(), e.desiredStatus(),
                e.version(), e.publicIp(), e.privateIp(), e.found(),
                e.state().equals("terminated") || e.state().equals("STOPPED")));
    };

    private void held(String state, String publicIp, String privateIp) {
        table.put(ID, new KnownInstances.Known(ID, InstanceEvent.SOURCE_EC2, state, null, null, publicIp, privateIp,
                true, state.equals("terminated")));
    }

    private final InventorySweep sweep = new InventorySweep(ec2, ProjectFilter.defaults(), known, log,
            Topics.withDefaultPrefix(), Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC),
            Duration.ofSeconds(5), new SimpleMeterRegistry());

    @Test
    void aListingThatMissesALiveInstanceWritesNothingAboutIt() throws Exception {
        held("running", "203.0.113.1", "10.0.0.1");
        byId.put(ID, new InstanceFacts("203.0.113.1", "10.0.0.1", OURS)); // EC2 still has it, tagged for us

        assertThat(sweep.sweepOnce()).isZero();
        assertThat(appended).isEmpty();
    }

    @Test
    void anInstanceEc2NoLongerKnowsIsTerminated() throws Exception {
        held("running", "203.0.113.1", "10.0.0.1");

        assertThat(sweep.sweepOnce()).isEqualTo(1);
        assertThat(appended).singleElement().satisfies(e -> {
            assertThat(e.state()).isEqualTo("terminated");
            assertThat(e.sweep()).isTrue();
        });
        assertThat(sweep.sweepOnce()).as("written once").isZero();
    }

    @Test
    void anInstanceThatLostItsProjectTagLosesItsRecordButNothingAboutItIsFinal() throws Exception {
        held("running", "203.0.113.1", "10.0.0.1");
        byId.put(ID, new InstanceFacts("203.0.113.1", "10.0.0.1", Map.of("Project", "Other")));

        assertThat(sweep.sweepOnce()).isEqualTo(1);
        InstanceEvent disowned = appended.get(0);
        assertThat(disowned.state()).isEqualTo("running");
        assertThat(disowned.found()).isFalse();
        assertThat(disowned.publicIp()).isNull();
        assertThat(sweep.sweepOnce()).as("written once").isZero();

        // The tag put back: the listing shows it again, with its addresses.
        listed.add(new InstanceSummary(ID, "running", new InstanceFacts("203.0.113.1", "10.0.0.1", OURS)));
        assertThat(sweep.sweepOnce()).isEqualTo(1);
        assertThat(appended.get(1).found()).isTrue();
        assertThat(appended.get(1).publicIp()).isEqualTo("203.0.113.1");
    }

    @Test
    void onlyTheInstanceOwningAnInstancesPartitionSweepsIt() throws Exception {
        listed.add(new InstanceSummary(ID, "terminated", new InstanceFacts(null, "10.0.0.1", OURS)));
        others.add(ID); // the table's partition of this instance is held by another Elephant instance

        assertThat(sweep.sweepOnce()).isZero();
        assertThat(appended).isEmpty();
    }

    @Test
    void anInstanceTheTableAlreadyMatchesCostsNoEvent() throws Exception {
        held("running", "203.0.113.1", "10.0.0.1");
        listed.add(new InstanceSummary(ID, "running", new InstanceFacts("203.0.113.1", "10.0.0.1", OURS)));

        assertThat(sweep.sweepOnce()).isZero();

        listed.set(0, new InstanceSummary(ID, "stopped", new InstanceFacts(null, "10.0.0.1", OURS)));
        assertThat(sweep.sweepOnce()).as("a lost stop is repaired").isEqualTo(1);
        assertThat(appended.get(0).state()).isEqualTo("stopped");
    }

    private static final String TASK = "c13b4cb40f1f4fe4a2971f76ae5a47ad";
    private final List<TaskInventory.TaskSummary> ecsRunning = new ArrayList<>();
    private final List<TaskInventory.TaskSummary> ecsDescribed = new ArrayList<>();
    private final TaskInventory ecs = new TaskInventory() {
        @Override
        public List<TaskInventory.TaskSummary> running(String cluster) {
            return List.copyOf(ecsRunning);
        }

        @Override
        public List<TaskInventory.TaskSummary> describe(String cluster, Collection<String> taskIds) {
            return ecsDescribed.stream().filter(t -> taskIds.contains(t.taskId())).toList();
        }
    };
    private final InventorySweep withTasks = new InventorySweep(ec2, ProjectFilter.defaults(), known, log,
            Topics.withDefaultPrefix(), Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC),
            Duration.ofSeconds(5), new SimpleMeterRegistry(), ecs, List.of("meetings"));

    private static TaskInventory.TaskSummary task(String last, String desired, long version) {
        return new TaskInventory.TaskSummary("arn:aws:ecs:us-east-1:000000000000:cluster/meetings",
                "arn:aws:ecs:us-east-1:000000000000:task/meetings/" + TASK, TASK, last, desired, version, null,
                "10.0.0.9", OURS);
    }

    @Test
    void aTaskEventLostIsRepairedAtTheVersionEcsReports() throws Exception {
        table.put(TASK, new KnownInstances.Known(TASK, InstanceEvent.SOURCE_ECS, "PENDING", "RUNNING", 2L, null,
                "10.0.0.9", true, false));
        ecsRunning.add(task("RUNNING", "RUNNING", 4));

        assertThat(withTasks.sweepOnce()).isEqualTo(1);
        assertThat(appended).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo(InstanceEvent.SOURCE_ECS);
            assertThat(e.state()).isEqualTo("RUNNING");
            assertThat(e.version()).isEqualTo(4L);
            assertThat(e.tags()).containsEntry("MeetingId", "m-1");
        });
        assertThat(withTasks.sweepOnce()).as("the table holds version 4 now").isZero();
    }

    @Test
    void aStoppedTaskNoListingShowsIsRepairedWhileEcsStillDescribesItAndLeftAloneWhenNothingProvesItGone()
            throws Exception {
        table.put(TASK, new KnownInstances.Known(TASK, InstanceEvent.SOURCE_ECS, "RUNNING", "RUNNING", 4L, null,
                "10.0.0.9", true, false));

        assertThat(withTasks.sweepOnce()).as("ECS describes it nowhere: its cluster is unknown").isZero();

        ecsDescribed.add(task("STOPPED", "STOPPED", 8));
        assertThat(withTasks.sweepOnce()).isEqualTo(1);
        assertThat(appended.get(0).state()).isEqualTo("STOPPED");
        assertThat(appended.get(0).version()).isEqualTo(8L);
    }
}
