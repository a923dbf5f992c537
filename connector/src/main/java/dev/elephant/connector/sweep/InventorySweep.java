package dev.elephant.connector.sweep;

import dev.elephant.connector.ec2.InstanceFacts;
import dev.elephant.connector.ec2.InstanceLookup;
import dev.elephant.connector.ec2.InstanceSummary;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.connector.ecs.TaskInventory;
import dev.elephant.connector.ingest.EventLog;
import dev.elephant.events.Ec2State;
import dev.elephant.events.InstanceEvent;
import dev.elephant.events.InstanceIds;
import dev.elephant.events.Json;
import dev.elephant.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EC2 delivers its state-change events to EventBridge best effort: rarely, one never arrives. The
 * sweep lists the project's instances and compares them with Elephant's own table: for each instance
 * whose partition this Elephant instance owns, where EC2 shows another state or address than the table
 * holds, it writes an inventory event ({@code sweep = true}); each owned instance the table holds open
 * that the listing no longer shows is settled by asking EC2 for it by id ({@link #settleMissing}). A lost
 * event is so repaired within one interval, once, by one instance. Sweep events obey the topology's
 * ordering rules like any other. With ECS clusters to sweep, their tasks are compared with the table the
 * same way ({@link #sweepTasks}).
 */
public final class InventorySweep {

    private static final Logger log = LoggerFactory.getLogger(InventorySweep.class);

    private final InstanceLookup lookup;
    private final ProjectFilter project;
    private final KnownInstances known;
    private final EventLog eventLog;
    private final Topics topics;
    private final Clock clock;
    private final Duration writeTimeout;
    private final MeterRegistry metrics;
    private final TaskInventory tasks;
    private final List<String> clusters;

    public InventorySweep(InstanceLookup lookup, ProjectFilter project, KnownInstances known, EventLog eventLog,
                          Topics topics, Clock clock, Duration writeTimeout, MeterRegistry metrics) {
        this(lookup, project, known, eventLog, topics, clock, writeTimeout, metrics, null, List.of());
    }

    /**
     * @param tasks    ECS, for the tasks of {@code clusters}; null to sweep EC2 instances only
     * @param clusters the ECS clusters (names or ARNs) whose tasks are swept too
     */
    public InventorySweep(InstanceLookup lookup, ProjectFilter project, KnownInstances known, EventLog eventLog,
                          Topics topics, Clock clock, Duration writeTimeout, MeterRegistry metrics,
                          TaskInventory tasks, List<String> clusters) {
        this.tasks = tasks;
        this.clusters = List.copyOf(clusters);
        this.lookup = lookup;
        this.project = project;
        this.known = known;
        this.eventLog = eventLog;
        this.topics = topics;
        this.clock = clock;
        this.writeTimeout = writeTimeout;
        this.metrics = metrics;
    }

    /** @return how many inventory events were written */
    public int sweepOnce() throws InstanceLookup.LookupUnavailable, EventLog.EventLogUnavailable,
            KnownInstances.Unavailable {
        // Second precision, like EventBridge's own event times.
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        List<InstanceSummary> seen = lookup.listProject(project);
        Map<String, KnownInstances.Known> table = known.held();
        Set<String> present = new HashSet<>();
        int writes = 0;
        for (InstanceSummary s : seen) {
            if (!InstanceIds.isEc2InstanceId(s.instanceId()) || Ec2State.fromWireName(s.state()).isEmpty()
                    || !known.owns(s.instanceId())) {
                continue;
            }
            present.add(s.instanceId());
            InstanceFacts f = s.facts();
            KnownInstances.Known held = table.get(s.instanceId());
            if (held == null || differs(held, s.state(), f.publicIp(), f.privateIp())) {
                String id = sweepId();
                write(new InstanceEvent(InstanceEvent.SCHEMA_VERSION, id, id, InstanceEvent.SOURCE_EC2,
                        s.instanceId(), s.state(), now, f.publicIp(), f.privateIp(), f.tags(), true, null, null, true));
                writes++;
            }
        }
        List<KnownInstances.Known> missing = table.values().stream()
                .filter(k -> !k.ended() && !k.isEcs() && !present.contains(k.instanceId()))
                .toList();
        if (!missing.isEmpty()) {
            writes += settleMissing(missing, now);
        }
        if (tasks != null && !clusters.isEmpty()) {
            writes += sweepTasks(table, now);
        }
        metrics.counter("elephant.sweep.events").increment(writes);
        if (writes > 0) {
            log.info("inventory sweep: {} instance(s) listed, {} event(s) written to repair missed changes",
                    seen.size(), writes);
        }
        return writes;
    }

    private static boolean differs(KnownInstances.Known k, String state, String publicIp, String privateIp) {
        return !k.found() || !Objects.equals(k.state(), state) || !Objects.equals(k.publicIp(), publicIp)
                || !Objects.equals(k.privateIp(), privateIp);
    }

    /**
     * A listing that does not return an instance the table holds open proves little: EC2 is eventually
     * consistent just after a launch, a tag may have been edited, the fleet changed while the pages were
     * read. {@code terminated} is final, so only EC2's own word, asked by id, makes an instance so: one it
     * no longer knows is gone; one still tagged for the project was missed by the listing (nothing is
     * written; the next sweep sees it); one that lost its project tag is no longer Elephant's, so its
     * record goes ({@code found = false}: no addresses) while its state stays what it was, not final, and
     * the tag put back brings the record back.
     */
    private int settleMissing(List<KnownInstances.Known> missing, Instant now)
            throws InstanceLookup.LookupUnavailable, EventLog.EventLogUnavailable {
        Map<String, Optional<InstanceFacts>> byId = lookup.describeAll(
                missing.stream().map(KnownInstances.Known::instanceId).toList());
        int writes = 0;
        for (KnownInstances.Known k : missing) {
            Optional<InstanceFacts> facts = byId.getOrDefault(k.instanceId(), Optional.empty());
            if (facts.isPresent() && project.matches(facts.get().tags())) {
                continue;
            }
            if (facts.isPresent() && !k.found()) {
                continue; // already written as no longer Elephant's
            }
            String state = facts.isEmpty() ? Ec2State.TERMINATED.wireName() : k.state();
            String eventId = sweepId();
            write(new InstanceEvent(InstanceEvent.SCHEMA_VERSION, eventId, eventId, InstanceEvent.SOURCE_EC2,
                    k.instanceId(), state, now, null, null, Map.of(), false, null, null, true));
            writes++;
        }
        return writes;
    }

    /**
     * ECS tasks, cluster by cluster: a running task ECS reports at a higher version than the table holds gets
     * that change written (ECS numbers every change of a task, so the version orders it against any event).
     * A task the table holds open that no listing shows is described by id in each cluster; one ECS still
     * describes (a stopped task, for about an hour) gets its last change written. One ECS describes nowhere is
     * left as it is: the table does not know its cluster, so nothing proves it is gone.
     */
    private int sweepTasks(Map<String, KnownInstances.Known> table, Instant now)
            throws InstanceLookup.LookupUnavailable, EventLog.EventLogUnavailable, KnownInstances.Unavailable {
        Set<String> present = new HashSet<>();
        int writes = 0;
        for (String cluster : clusters) {
            for (TaskInventory.TaskSummary t : tasks.running(cluster)) {
                present.add(t.taskId());
                writes += writeIfNewer(t, table.get(t.taskId()), now);
            }
        }
        List<String> missing = table.values().stream()
                .filter(k -> !k.ended() && k.isEcs() && !present.contains(k.instanceId()))
                .map(KnownInstances.Known::instanceId).toList();
        if (!missing.isEmpty()) {
            for (String cluster : clusters) {
                for (TaskInventory.TaskSummary t : tasks.describe(cluster, missing)) {
                    writes += writeIfNewer(t, table.get(t.taskId()), now);
                }
            }
        }
        return writes;
    }

    /** @param held what the table holds of the task, or null */
    private int writeIfNewer(TaskInventory.TaskSummary t, KnownInstances.Known held, Instant now)
            throws InstanceLookup.LookupUnavailable, EventLog.EventLogUnavailable, KnownInstances.Unavailable {
        if (!InstanceIds.isEcsTaskId(t.taskId()) || !project.matches(t.tags()) || !known.owns(t.taskId())) {
            return 0;
        }
        if (held != null && held.version() != null && held.version() >= t.version()) {
            return 0;
        }
        Optional<InstanceFacts> eni = t.networkInterfaceId() == null ? Optional.empty()
                : lookup.describeNetworkInterface(t.networkInterfaceId());
        String id = sweepId();
        write(new InstanceEvent(InstanceEvent.SCHEMA_VERSION, id, id, InstanceEvent.SOURCE_ECS, t.taskId(),
                t.lastStatus(), now, eni.map(InstanceFacts::publicIp).orElse(null),
                eni.map(InstanceFacts::privateIp).orElse(t.privateIp()), t.tags(), true, t.version(),
                t.desiredStatus(), true));
        return 1;
    }

    private static String sweepId() {
        return "sweep-" + UUID.randomUUID();
    }

    private void write(InstanceEvent event) throws EventLog.EventLogUnavailable {
        eventLog.append(topics.instanceEvents(), event.instanceId(), Json.toBytes(event), writeTimeout);
    }
}
