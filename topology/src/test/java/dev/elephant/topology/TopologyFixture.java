package dev.elephant.topology;

import dev.elephant.events.DeadLetter;
import dev.elephant.events.DesiredRecord;
import dev.elephant.events.DnsMutation;
import dev.elephant.events.FailoverCheck;
import dev.elephant.events.FailoverName;
import dev.elephant.events.InstanceEvent;
import dev.elephant.events.JsonSerde;
import dev.elephant.events.LaunchSpec;
import dev.elephant.events.MachineAction;
import dev.elephant.events.MachineCommand;
import dev.elephant.events.MeetingEvent;
import dev.elephant.events.MeetingReady;
import dev.elephant.events.Tick;
import dev.elephant.events.TopicSchemas;
import dev.elephant.events.Topics;
import dev.elephant.topology.common.TopologyConfig;
import dev.elephant.topology.failover.FailoverState;
import dev.elephant.topology.instances.InstanceState;
import dev.elephant.topology.meetings.MeetingState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/** A TopologyTestDriver around {@link ElephantTopology} with helpers that speak Elephant's events. */
final class TopologyFixture implements AutoCloseable {

    static final String DOMAIN = "elephant.test";
    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    final TopologyConfig config;
    final TopologyTestDriver driver;
    final TestInputTopic<String, InstanceEvent> instanceEvents;
    final TestInputTopic<String, MeetingEvent> meetingEvents;
    final TestInputTopic<String, DnsMutation> mutations;
    final TestOutputTopic<String, DesiredRecord> desired;
    final TestOutputTopic<String, MeetingReady> ready;
    final TestOutputTopic<String, DeadLetter> deadLetters;
    final TestInputTopic<String, Tick> ticks;
    final TestInputTopic<String, MachineAction> machineActions;
    final TestOutputTopic<String, MachineCommand> commands;
    final TestInputTopic<String, FailoverName> failoverNames;
    final TestInputTopic<String, FailoverCheck> failoverChecks;
    /** The same input topics as bytes, for values that are not what Elephant would write. */
    final TestInputTopic<String, byte[]> rawInstanceEvents;
    final TestInputTopic<String, byte[]> rawMeetingEvents;
    private int eventCounter;

    TopologyFixture() {
        this(TopologyConfig.defaults(DOMAIN));
    }

    TopologyFixture(TopologyConfig config) {
        this.config = config;
        // The production settings, as Kafka's own examples hand the same config to the test driver; a state
        // directory per driver, since two may be open at once.
        Properties props = StreamsProperties.of(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092"),
                "elephant-test", stateDir(), 1, config.topics().deadLetter());
        driver = new TopologyTestDriver(ElephantTopology.build(config), props);
        Topics t = config.topics();
        var str = Serdes.String();
        instanceEvents = driver.createInputTopic(t.instanceEvents(), str.serializer(),
                JsonSerde.of(InstanceEvent.class).serializer());
        meetingEvents = driver.createInputTopic(t.meetingEvents(), str.serializer(),
                JsonSerde.of(MeetingEvent.class).serializer());
        mutations = driver.createInputTopic(t.dnsMutations(), str.serializer(),
                JsonSerde.of(DnsMutation.class).serializer());
        rawInstanceEvents = driver.createInputTopic(t.instanceEvents(), str.serializer(),
                Serdes.ByteArray().serializer());
        rawMeetingEvents = driver.createInputTopic(t.meetingEvents(), str.serializer(),
                Serdes.ByteArray().serializer());
        // Every value the topology writes is read through its topic's published schema: a test fails on any that
        // does not match.
        desired = driver.createOutputTopic(t.dnsDesired(), str.deserializer(),
                matchingSchema("dns-desired", DesiredRecord.class));
        ready = driver.createOutputTopic(t.meetingReady(), str.deserializer(),
                matchingSchema("meeting-ready", MeetingReady.class));
        deadLetters = driver.createOutputTopic(t.deadLetter(), str.deserializer(),
                matchingSchema("dead-letter", DeadLetter.class));
        ticks = driver.createInputTopic(t.ticks(), str.serializer(), JsonSerde.of(Tick.class).serializer());
        machineActions = driver.createInputTopic(t.machineActions(), str.serializer(),
                JsonSerde.of(MachineAction.class).serializer());
        commands = driver.createOutputTopic(t.machineCommands(), str.deserializer(),
                matchingSchema("machine-commands", MachineCommand.class));
        failoverNames = driver.createInputTopic(t.failoverNames(), str.serializer(),
                JsonSerde.of(FailoverName.class).serializer());
        failoverChecks = driver.createInputTopic(t.failoverChecks(), str.serializer(),
                JsonSerde.of(FailoverCheck.class).serializer());
    }

    /** The ticker's word that it is now {@code time}. */
    void tick(Instant time) {
        ticks.pipeInput("tick", Tick.at(time), time);
    }

    /** A meeting scheduled with what to launch. */
    void schedule(String meetingId, List<String> roles, Instant startsAt, Instant endsAt, LaunchSpec launch,
                  Instant time) {
        meetingEvents.pipeInput(meetingId, new MeetingEvent.Scheduled(1, "scheduled", meetingId, roles, startsAt,
                endsAt, "mevt-" + (++eventCounter), time, launch), time);
    }

    void cancel(String meetingId, Instant time) {
        meetingEvents.pipeInput(meetingId, new MeetingEvent.Cancelled(1, "cancelled", meetingId,
                "mevt-" + (++eventCounter), time), time);
    }

    /** What the executor writes after carrying out a command. */
    void outcome(MachineAction outcome) {
        machineActions.pipeInput(outcome.meetingId(), outcome, outcome.time());
    }

    private static <T> Deserializer<T> matchingSchema(String topic, Class<T> type) {
        Deserializer<T> json = JsonSerde.of(type).deserializer();
        return (name, bytes) -> {
            if (bytes != null) {
                List<String> problems = TopicSchemas.problems(topic, bytes);
                if (!problems.isEmpty()) {
                    throw new AssertionError("a value on " + name + " does not match schemas/" + topic
                            + ".schema.json: " + problems + " in " + new String(bytes, StandardCharsets.UTF_8));
                }
            }
            return json.deserialize(name, bytes);
        };
    }

    InstanceEvent event(String id, String state, Instant time, String publicIp, Map<String, String> tags) {
        String eventId = "evt-" + (++eventCounter);
        return new InstanceEvent(InstanceEvent.SCHEMA_VERSION, eventId, eventId, InstanceEvent.SOURCE_EC2, id, state,
                time, publicIp, "10.0.0." + (eventCounter % 250), tags, true, null, null, false);
    }

    /** An ECS task state change, as the connector writes it. */
    InstanceEvent sendTask(String taskId, long version, String lastStatus, String desiredStatus, Instant time,
                           String publicIp) {
        return sendTask(taskId, version, lastStatus, desiredStatus, time, publicIp, Map.of());
    }

    /** An ECS task state change with the task's tags (project, meeting, role), as the connector writes it. */
    InstanceEvent sendTask(String taskId, long version, String lastStatus, String desiredStatus, Instant time,
                           String publicIp, Map<String, String> tags) {
        String eventId = "evt-" + (++eventCounter);
        InstanceEvent e = new InstanceEvent(InstanceEvent.SCHEMA_VERSION, eventId, eventId, InstanceEvent.SOURCE_ECS,
                taskId, lastStatus, time, publicIp, "10.0.0.139", tags, publicIp != null, version, desiredStatus,
                false);
        instanceEvents.pipeInput(taskId, e, time);
        return e;
    }

    InstanceEvent send(String id, String state, Instant time, String publicIp, Map<String, String> tags) {
        InstanceEvent e = event(id, state, time, publicIp, tags);
        instanceEvents.pipeInput(id, e, time);
        return e;
    }

    void send(InstanceEvent e) {
        instanceEvents.pipeInput(e.instanceId(), e, e.time());
    }

    /** What the DNS sink would write after applying a desired record. */
    void confirm(DesiredRecord record, Instant time) {
        mutations.pipeInput(record.name(), new DnsMutation(DnsMutation.SCHEMA_VERSION, "m-" + (++eventCounter),
                DnsMutation.Phase.APPLIED, DnsMutation.Action.CREATE, record.name(), "A", record.content(), null,
                "rec-1", record.instanceId(), record.causeId(), "test", null, time), time);
    }

    void schedule(String meetingId, List<String> roles, Instant time) {
        meetingEvents.pipeInput(meetingId, new MeetingEvent.Scheduled(1, "scheduled", meetingId, roles, time,
                time.plusSeconds(3600), "mevt-" + (++eventCounter), time), time);
    }

    void end(String meetingId, Instant time) {
        meetingEvents.pipeInput(meetingId, new MeetingEvent.Ended(1, "ended", meetingId, "mevt-" + (++eventCounter),
                time), time);
    }

    /** Last value per key, as a compacted topic would hold it; a key whose last value is a tombstone maps to null. */
    Map<String, DesiredRecord> desiredTable() {
        Map<String, DesiredRecord> table = new HashMap<>();
        desired.readRecordsToList().forEach(r -> table.put(r.key(), r.value()));
        return table;
    }

    InstanceState instance(String id) {
        KeyValueStore<String, InstanceState> store = driver.getKeyValueStore(ElephantTopology.INSTANCE_STATE_STORE);
        return store.get(id);
    }

    FailoverState failover(String name) {
        KeyValueStore<String, FailoverState> store = driver.getKeyValueStore(ElephantTopology.FAILOVER_STATE_STORE);
        return store.get(name);
    }

    MeetingState meeting(String id) {
        KeyValueStore<String, MeetingState> store = driver.getKeyValueStore(ElephantTopology.MEETING_STATE_STORE);
        return store.get(id);
    }

    private static Path stateDir() {
        try {
            // Under target/, not the OS temp directory (which Streams warns may be cleared under it).
            Path parent = Files.createDirectories(Path.of("target"));
            return Files.createTempDirectory(parent, "topology-state").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> tags(String... kv) {
        Map<String, String> tags = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            tags.put(kv[i], kv[i + 1]);
        }
        return tags;
    }

    @Override
    public void close() {
        driver.close();
    }
}
