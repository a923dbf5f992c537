package dev.elephant.topology;

import dev.elephant.events.CheckedSerde;
import dev.elephant.events.DeadLetter;
import dev.elephant.events.DesiredRecord;
import dev.elephant.events.DnsMutation;
import dev.elephant.events.Ec2State;
import dev.elephant.events.FailoverCheck;
import dev.elephant.events.FailoverName;
import dev.elephant.events.EcsStatus;
import dev.elephant.events.InstanceEvent;
import dev.elephant.events.InstanceIds;
import dev.elephant.events.Json;
import dev.elephant.events.JsonSerde;
import dev.elephant.events.MachineAction;
import dev.elephant.events.MachineCommand;
import dev.elephant.events.MeetingEvent;
import dev.elephant.events.MeetingReady;
import dev.elephant.events.Tick;
import dev.elephant.events.TopicSchemas;
import dev.elephant.events.Topics;
import dev.elephant.topology.common.TopologyConfig;
import dev.elephant.topology.failover.FailoverStates;
import dev.elephant.topology.instances.InstanceChange;
import dev.elephant.topology.instances.InstanceState;
import dev.elephant.topology.instances.InstanceStates;
import dev.elephant.topology.meetings.InstanceSlot;
import dev.elephant.topology.meetings.MeetingInput;
import dev.elephant.topology.meetings.MeetingOutput;
import dev.elephant.topology.meetings.MeetingStates;
import dev.elephant.topology.reaper.IdleInput;
import dev.elephant.topology.reaper.IdleInstance;
import dev.elephant.topology.reaper.IdleInstances;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * Elephant's topology: a pure function from {@code instance-events}, {@code meeting-events} and the
 * DNS sink's outcomes on {@code dns-mutations} to {@code dns-desired} and {@code meeting-ready}.
 * No I/O and no clock: every time it uses comes from a record.
 *
 * <pre>
 *  instance-events ──validate──┬─▶ dead-letter
 *                              ▼
 *  dns-mutations ─outcomes─▶ [instance-state] ──record content changed──▶ dns-desired (by FQDN)
 *   (re-keyed by instance)       │
 *                                └─instances with a MeetingId tag (re-keyed by meeting)─┐
 *  meeting-events ──validate──────────────────────────────────────────────▶ [meeting-state] ─▶ meeting-ready
 *
 *  failover-names ──┬──▶ [failover-state] ──target moved──▶ dns-desired ({name}.{domain})
 *  failover-checks ─┘
 * </pre>
 */
public final class ElephantTopology {

    public static final String INSTANCE_STATE_STORE = InstanceStates.STORE;
    public static final String MEETING_STATE_STORE = MeetingStates.STORE;
    public static final String FAILOVER_STATE_STORE = FailoverStates.STORE;
    /** The name of the repartition that brings the DNS sink's outcomes to the instance table. */
    private static final String INSTANCE_OUTCOMES = "instance-outcomes";

    private ElephantTopology() {}

    /**
     * Every topic whose records can change {@code dns-desired}: the instance events, the DNS sink's outcomes (and the
     * repartition that brings them to the instance table, named by Kafka Streams after the application), the
     * failover names and checks. Meetings, ticks and the reaper write elsewhere. A replay's DNS sink waits for these
     * alone before it acts on the final desired state.
     */
    public static List<String> dnsDesiredSources(Topics topics, String applicationId) {
        return List.of(topics.instanceEvents(), topics.dnsMutations(),
                applicationId + "-" + INSTANCE_OUTCOMES + "-repartition", topics.failoverNames(), topics.failoverChecks());
    }

    public static Topology build(TopologyConfig config) {
        StreamsBuilder builder = new StreamsBuilder();
        build(builder, config);
        return builder.build();
    }

    public static void build(StreamsBuilder builder, TopologyConfig config) {
        Topics topics = config.topics();
        KStream<String, InstanceEvent> instanceEvents = matchingSchema(builder, topics.instanceEvents(),
                "instance-events", InstanceEvent.class, topics.deadLetter());
        Map<String, KStream<String, InstanceEvent>> byValidity = instanceEvents
                .split(Named.as("instance-event-"))
                .branch((id, event) -> invalidInstanceEvent(id, event) == null, Branched.as("valid"))
                .defaultBranch(Branched.as("invalid"));
        byValidity.get("instance-event-invalid")
                .mapValues(event -> deadLetter(invalidInstanceEvent(null, event), "instance-events", event),
                        Named.as("instance-event-dead-letter"))
                .to(topics.deadLetter(), Produced.with(Serdes.String(), JsonSerde.of(DeadLetter.class)));

        var outcomes = matchingSchema(builder, topics.dnsMutations(), "dns-mutations", DnsMutation.class,
                        topics.deadLetter())
                .filter((name, m) -> m != null && m.phase() != null && m.phase().isOutcome()
                        && InstanceIds.isValid(m.instanceId()), Named.as("instance-outcomes-filter"))
                .selectKey((name, m) -> m.instanceId(), Named.as("instance-outcomes-by-instance"))
                .repartition(Repartitioned.with(Serdes.String(), JsonSerde.of(DnsMutation.class))
                        .withName(INSTANCE_OUTCOMES));

        KStream<String, InstanceChange> changes = InstanceStates.attach(builder, config,
                byValidity.get("instance-event-valid"), outcomes);

        changes.filter((id, change) -> !Objects.equals(change.after().recordContent(),
                        change.before() == null ? null : change.before().recordContent()),
                        Named.as("record-content-changed"))
                .map((id, change) -> KeyValue.pair(change.after().recordName(), desired(change, config)),
                        Named.as("desired-record"))
                .to(topics.dnsDesired(), Produced.with(Serdes.String(), JsonSerde.of(DesiredRecord.class))
                        .withName("dns-desired"));

        var meetingInstances = changes
                .filter((id, change) -> change.after().meetingId(config) != null, Named.as("meeting-instances-filter"))
                .map((id, change) -> KeyValue.pair(change.after().meetingId(config),
                        MeetingInput.of(slot(change.after(), config))), Named.as("meeting-instances-by-meeting"))
                .repartition(Repartitioned.with(Serdes.String(), JsonSerde.of(MeetingInput.class))
                        .withName("meeting-instances"));

        KStream<String, MeetingEvent> meetingEvents = matchingSchema(builder, topics.meetingEvents(),
                "meeting-events", MeetingEvent.class, topics.deadLetter());
        Map<String, KStream<String, MeetingEvent>> meetingsByValidity = meetingEvents
                .split(Named.as("meeting-event-"))
                .branch((id, event) -> event != null && event.meetingId() != null && event.meetingId().equals(id),
                        Branched.as("valid"))
                .defaultBranch(Branched.as("invalid"));
        meetingsByValidity.get("meeting-event-invalid")
                .mapValues(event -> deadLetter("meeting-id-mismatch", "meeting-events", event),
                        Named.as("meeting-event-dead-letter"))
                .to(topics.deadLetter(), Produced.with(Serdes.String(), JsonSerde.of(DeadLetter.class)));

        // Time enters as ticks on a topic of its own, read like any input: a replay sees the same times in the same
        // order as the first run.
        KStream<String, Tick> ticks = matchingSchema(builder, topics.ticks(), "ticks", Tick.class, topics.deadLetter())
                .filter((key, tick) -> tick != null && tick.time() != null, Named.as("ticks-filter"));
        KStream<String, MachineAction> launchOutcomes = matchingSchema(builder, topics.machineActions(),
                "machine-actions", MachineAction.class, topics.deadLetter())
                .filter((meetingId, a) -> a != null && a.action() == MachineCommand.Action.LAUNCH && a.phase() != null
                        && a.phase().isOutcome() && meetingId != null && meetingId.equals(a.meetingId()),
                        Named.as("launch-outcomes-filter"));

        KStream<String, MeetingOutput> meetingOutputs = MeetingStates.attach(builder, config.meetingRetention(),
                config.machines(),
                meetingsByValidity.get("meeting-event-valid").mapValues(MeetingInput::of, Named.as("meeting-input"))
                        .merge(meetingInstances, Named.as("meeting-inputs"))
                        .merge(ticks.mapValues(MeetingInput::of, Named.as("meeting-tick-input")), Named.as("meeting-ticks"))
                        .merge(launchOutcomes.mapValues(MeetingInput::of, Named.as("launch-outcome-input")),
                                Named.as("meeting-launch-outcomes")));
        Map<String, KStream<String, MeetingOutput>> byKind = meetingOutputs.split(Named.as("meeting-output-"))
                .branch((id, out) -> out.isCommand(), Branched.as("command"))
                .defaultBranch(Branched.as("ready"));
        byKind.get("meeting-output-ready").mapValues(MeetingOutput::ready, Named.as("meeting-ready-value"))
                .to(topics.meetingReady(), Produced.with(Serdes.String(), JsonSerde.of(MeetingReady.class))
                        .withName("meeting-ready"));
        Produced<String, MachineCommand> commands = Produced.with(Serdes.String(), JsonSerde.of(MachineCommand.class));
        byKind.get("meeting-output-command").mapValues(MeetingOutput::command, Named.as("meeting-command-value"))
                .to(topics.machineCommands(), commands.withName("meeting-machine-commands"));

        // Failover names: where each points is decided from its checks' results alone (written by the checker at
        // the edge, with the addresses it found), so a replay decides the same.
        FailoverStates.attach(builder, config.domain(),
                        matchingSchema(builder, topics.failoverNames(), "failover-names", FailoverName.class,
                                topics.deadLetter()),
                        matchingSchema(builder, topics.failoverChecks(), "failover-checks", FailoverCheck.class,
                                topics.deadLetter()))
                .to(topics.dnsDesired(), Produced.with(Serdes.String(), JsonSerde.of(DesiredRecord.class))
                        .withName("failover-dns-desired"));

        if (config.machines().reapAfter() != null) {
            var idle = changes
                    .filter((id, change) -> !Objects.equals(idle(change.before(), config), idle(change.after(), config)),
                            Named.as("idle-changed"))
                    .mapValues((id, change) -> IdleInput.of(id, idle(change.after(), config)), Named.as("idle-input"))
                    .repartition(Repartitioned.with(Serdes.String(), IdleInstances.inputSerde())
                            .withName("idle-instances"));
            IdleInstances.attach(builder, config.machines(),
                            idle.merge(ticks.mapValues(tick -> IdleInput.of(tick), Named.as("idle-tick-input")), Named.as("idle-inputs")))
                    .to(topics.machineCommands(), Produced.with(Serdes.String(), JsonSerde.of(MachineCommand.class))
                            .withName("idle-machine-commands"));
        }
    }

    /**
     * The instance as the safety net for instances without a meeting sees it: a running EC2 instance with no
     * meeting tag, or null (not running, ended, an ECS task, or one of a meeting, whose meeting reaps it).
     */
    static IdleInstance idle(InstanceState s, TopologyConfig config) {
        if (s == null || s.isEcs() || !Ec2State.RUNNING.wireName().equals(s.state()) || s.meetingId(config) != null) {
            return null;
        }
        return new IdleInstance(s.instanceId(), s.stateTime(),
                config.machines().keeps(s.tags()), null);
    }

    /**
     * The values of a topic others write that match its published schema; the rest dead-lettered with the reason
     * and the fields, as the HTTP ingest answers a producer ({@code missing-field}: "startsAt is missing"). A
     * tombstone passes on as null, for the rules that follow to refuse.
     */
    private static <T> KStream<String, T> matchingSchema(StreamsBuilder builder, String topic, String schema,
                                                         Class<T> type, String deadLetterTopic) {
        Map<String, KStream<String, CheckedSerde.Checked<T>>> bySchema = builder.stream(topic,
                        Consumed.with(Serdes.String(), CheckedSerde.of(type, schema)).withName(schema))
                .split(Named.as(schema + "-schema-"))
                .branch((key, checked) -> checked == null || checked.matches(), Branched.as("matching"))
                .defaultBranch(Branched.as("mismatching"));
        bySchema.get(schema + "-schema-mismatching")
                .mapValues(checked -> DeadLetter.of(TopicSchemas.reason(checked.problems()), checked.detail(), schema,
                                checked.raw(), null),
                        Named.as(schema + "-schema-dead-letter"))
                .to(deadLetterTopic, Produced.with(Serdes.String(), JsonSerde.of(DeadLetter.class))
                        .withName(schema + "-schema-dead-letters"));
        return bySchema.get(schema + "-schema-matching")
                .mapValues(checked -> checked == null ? null : checked.value(), Named.as(schema + "-matching-values"));
    }

    /** Why an event on instance-events can never be applied, or null when it can. */
    static String invalidInstanceEvent(String key, InstanceEvent event) {
        if (event == null) {
            return "tombstone";
        }
        boolean ecs = event.isEcs();
        if (!ecs && !InstanceEvent.SOURCE_EC2.equals(event.source())) {
            return "unknown-source";
        }
        if (ecs ? !InstanceIds.isEcsTaskId(event.instanceId()) : !InstanceIds.isEc2InstanceId(event.instanceId())) {
            return "invalid-instance-id";
        }
        if (key != null && !key.equals(event.instanceId())) {
            return "key-mismatch";
        }
        boolean knownState = ecs
                ? EcsStatus.fromWireName(event.state()).isPresent() && EcsStatus.fromWireName(event.desiredStatus()).isPresent()
                : Ec2State.fromWireName(event.state()).isPresent();
        if (!knownState) {
            return "unknown-state";
        }
        if (ecs && (event.version() == null || event.version() < 0)) {
            return "missing-field";
        }
        if (event.time() == null || event.eventId() == null) {
            return "missing-field";
        }
        return null;
    }

    /**
     * What an instance's meeting needs to know of it. Built here, where both sides meet, so that neither
     * the instances nor the meetings package knows the other.
     */
    static InstanceSlot slot(InstanceState s, TopologyConfig config) {
        return new InstanceSlot(s.instanceId(), s.role(config), s.state(), s.recordStatus(), s.recordName(),
                config.link(s.instanceId(), s.recordName()), s.causeId(), s.isFinal(), s.stateTime(),
                config.machines().keeps(s.tags()));
    }

    private static DeadLetter deadLetter(String reason, String source, Object value) {
        byte[] payload = value == null ? new byte[0] : Json.toBytes(value);
        Instant time = value instanceof InstanceEvent e ? e.time()
                : value instanceof MeetingEvent m ? m.time() : null;
        return DeadLetter.of(reason, null, source, payload, time);
    }

    private static DesiredRecord desired(InstanceChange change, TopologyConfig config) {
        var after = change.after();
        if (after.recordContent() == null) {
            return null;
        }
        return new DesiredRecord(DesiredRecord.SCHEMA_VERSION, after.recordName(), "A", after.recordContent(),
                config.ttl(), after.instanceId(), after.causeId());
    }
}
