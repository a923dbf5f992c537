package dev.elephant.connector.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.elephant.connector.ec2.InstanceFacts;
import dev.elephant.connector.ec2.InstanceLookup;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.connector.ecs.TaskTags;
import dev.elephant.events.Ec2State;
import dev.elephant.events.EcsStatus;
import dev.elephant.events.InstanceEvent;
import dev.elephant.events.InstanceIds;
import dev.elephant.events.Json;
import dev.elephant.events.Printable;
import dev.elephant.events.Topics;
import dev.elephant.events.UtcInstants;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Takes one EventBridge event as an API destination delivers it, validates it, enriches it with what
 * EC2 says of the instance now, and appends it to {@code instance-events}. The answer says whether
 * EventBridge should retry: 2xx only after Kafka acknowledged, 4xx (with a dead-letter record) only
 * for input that can never succeed, 503 for everything worth retrying.
 */
public final class EventBridgeIngest {

    public static final String SOURCE = "eventbridge";
    static final String EC2_DETAIL_TYPE = "EC2 Instance State-change Notification";
    static final String ECS_DETAIL_TYPE = "ECS Task State Change";
    private static final Pattern ENI_ID = Pattern.compile("eni-[0-9a-f]{8,17}");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}");
    private static final Pattern CLUSTER_ARN = Pattern.compile("arn:aws[a-z-]*:ecs:[a-z0-9-]+:\\d{12}:cluster/[A-Za-z0-9_-]{1,255}");
    private static final int MAX_EVENT_ID_LENGTH = 128;

    private final InstanceLookup lookup;
    private final TaskTags taskTags;
    private final ProjectFilter projectFilter;
    private final EventLog log;
    private final DeadLetters deadLetters;
    private final Topics topics;
    private final Duration writeTimeout;
    private final MeterRegistry metrics;
    private final Clock clock;

    /**
     * @param taskTags where an ECS task's tags come from; null: from its network interface (tagged by
     *                 whoever creates it), which is what {@code ecs.tagsFrom: networkInterface} asks for
     */
    public EventBridgeIngest(InstanceLookup lookup, TaskTags taskTags, ProjectFilter projectFilter, EventLog log,
                             DeadLetters deadLetters, Topics topics, Duration writeTimeout, MeterRegistry metrics,
                             Clock clock) {
        this.clock = clock;
        this.taskTags = taskTags;
        this.lookup = lookup;
        this.projectFilter = projectFilter;
        this.log = log;
        this.deadLetters = deadLetters;
        this.topics = topics;
        this.writeTimeout = writeTimeout;
        this.metrics = metrics;
    }

    public IngestResult ingest(byte[] body) {
        IngestResult result = handle(body);
        metrics.counter("elephant.ingest.events", "source", "aws.ec2", "outcome",
                result.outcomeTag()).increment();
        return result;
    }

    private IngestResult handle(byte[] body) {
        StateChange change;
        try {
            change = parseAny(body);
        } catch (Malformed e) {
            return deadLetters.reject(e.reason, e.getMessage(), SOURCE, e.key, body);
        }
        String ahead = EventTimes.tooFarAhead("time", change.time(), clock.instant());
        if (ahead != null) {
            return deadLetters.reject(IngestReason.TIME_IN_FUTURE, ahead, SOURCE, change.key(), body);
        }
        // Java 17 has no pattern switch; the interface is sealed, so these two are all there are.
        return change instanceof StateChange.EcsTask task ? handleTask(task)
                : handleInstance((StateChange.Ec2Instance) change);
    }

    private IngestResult handleTask(StateChange.EcsTask task) {
        Optional<InstanceFacts> facts = Optional.empty();
        Optional<Map<String, String>> tags;
        try {
            if (task.networkInterfaceId() != null) {
                facts = lookup.describeNetworkInterface(task.networkInterfaceId());
            }
            tags = taskTags != null ? taskTags.of(task.clusterArn(), task.taskArn()) : facts.map(InstanceFacts::tags);
        } catch (InstanceLookup.LookupUnavailable e) {
            return IngestResult.rejected(IngestReason.AWS_UNAVAILABLE, e.getMessage());
        }
        if (tags.isPresent() && !projectFilter.matches(tags.get())) {
            return IngestResult.rejected(IngestReason.OTHER_PROJECT, (taskTags != null ? "the task"
                    : "the task's network interface") + " is not tagged " + projectFilter.tagKey() + "="
                    + projectFilter.tagValue());
        }
        InstanceEvent event = new InstanceEvent(InstanceEvent.SCHEMA_VERSION, task.eventId(), task.eventId(),
                InstanceEvent.SOURCE_ECS, task.taskId(), task.lastStatus(), task.time(),
                facts.map(InstanceFacts::publicIp).orElse(null),
                facts.map(InstanceFacts::privateIp).orElse(task.privateIp()),
                tags.orElse(null), facts.isPresent() || tags.isPresent(), task.version(), task.desiredStatus(),
                false);
        return append(task.taskId(), event);
    }

    private IngestResult handleInstance(StateChange.Ec2Instance change) {
        Optional<InstanceFacts> facts;
        try {
            facts = lookup.describe(change.instanceId());
        } catch (InstanceLookup.LookupUnavailable e) {
            if (e.throttled() && factsCanWait(change.state())) {
                // EC2's request rate kept the facts away, and this state wants no record whatever they say: the
                // change is written without them (found=false keeps the tags the table knows) rather than answered
                // 503, which would put it behind EventBridge's backoff and add to the calls that are throttled.
                metrics.counter("elephant.ingest.facts.deferred", "state", change.state()).increment();
                facts = Optional.empty();
            } else {
                return IngestResult.rejected(IngestReason.AWS_UNAVAILABLE, e.getMessage());
            }
        }
        if (facts.isPresent() && !projectFilter.matches(facts.get().tags())) {
            return IngestResult.rejected(IngestReason.OTHER_PROJECT,
                    "instance is not tagged " + projectFilter.tagKey() + "=" + projectFilter.tagValue());
        }
        InstanceEvent event = new InstanceEvent(InstanceEvent.SCHEMA_VERSION, change.eventId(), change.eventId(),
                InstanceEvent.SOURCE_EC2, change.instanceId(), change.state(), change.time(),
                facts.map(InstanceFacts::publicIp).orElse(null), facts.map(InstanceFacts::privateIp).orElse(null),
                facts.map(InstanceFacts::tags).orElse(null), facts.isPresent(), null, null, false);
        return append(change.instanceId(), event);
    }

    /**
     * Whether an EC2 state needs no facts now: every state but {@code running} wants no record (pending has no
     * address to publish yet; stopping, stopped, shutting-down and terminated end the record), so the addresses do not
     * matter, and the tags the table already holds keep the instance in its meeting.
     */
    static boolean factsCanWait(String state) {
        return !Ec2State.RUNNING.wireName().equals(state);
    }

    private IngestResult append(String key, InstanceEvent event) {
        try {
            log.append(topics.instanceEvents(), key, Json.toBytes(event), writeTimeout);
        } catch (EventLog.EventLogUnavailable e) {
            return IngestResult.rejected(IngestReason.KAFKA_UNAVAILABLE, e.getMessage());
        }
        return IngestResult.accepted(event.eventId());
    }

    /** Parses an EC2 state-change event; anything else (ECS included) is refused. */
    static StateChange.Ec2Instance parse(byte[] body) throws Malformed {
        StateChange change = parseAny(body);
        if (change instanceof StateChange.Ec2Instance ec2) {
            return ec2;
        }
        throw new Malformed(IngestReason.UNSUPPORTED_EVENT, "not an EC2 state-change event", null);
    }

    /** An EC2 instance's or an ECS task's state change, validated. */
    static StateChange parseAny(byte[] body) throws Malformed {
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new Malformed(IngestReason.MALFORMED_JSON, "body is not valid JSON (" + e.getOriginalMessage() + ")", null);
        } catch (IOException e) {
            throw new Malformed(IngestReason.MALFORMED_JSON, "body is not valid JSON", null);
        }
        if (root == null || !root.isObject()) {
            throw new Malformed(IngestReason.MALFORMED_JSON, "body is not a JSON object", null);
        }
        String source = text(root, "source");
        String detailType = text(root, "detail-type");
        boolean ec2 = "aws.ec2".equals(source) && EC2_DETAIL_TYPE.equals(detailType);
        boolean ecs = "aws.ecs".equals(source) && ECS_DETAIL_TYPE.equals(detailType);
        if (!ec2 && !ecs) {
            throw new Malformed(IngestReason.UNSUPPORTED_EVENT, "unsupported source " + Printable.of(source) + " / detail-type "
                    + Printable.of(detailType), null);
        }
        String id = text(root, "id");
        if (id == null || id.isEmpty() || id.length() > MAX_EVENT_ID_LENGTH) {
            throw new Malformed(IngestReason.MISSING_FIELD, "event id is missing or too long", null);
        }
        Instant time;
        try {
            String t = text(root, "time");
            if (t == null) {
                throw new Malformed(IngestReason.MISSING_FIELD, "time is missing", null);
            }
            time = UtcInstants.parse(t);
        } catch (DateTimeParseException e) {
            throw new Malformed(IngestReason.INVALID_FIELD, "time is not an ISO-8601 instant", null);
        }
        JsonNode detail = root.get("detail");
        if (detail == null || !detail.isObject()) {
            throw new Malformed(IngestReason.MISSING_FIELD, "detail is missing", null);
        }
        if (ecs) {
            return parseTask(id, time, detail);
        }
        String instanceId = text(detail, "instance-id");
        if (!InstanceIds.isEc2InstanceId(instanceId)) {
            throw new Malformed(IngestReason.INVALID_INSTANCE_ID, "detail.instance-id " + Printable.of(instanceId)
                    + " is not an EC2 instance id (i- and 8 to 17 lower-case hex digits)", instanceId);
        }
        String state = text(detail, "state");
        if (Ec2State.fromWireName(state).isEmpty()) {
            throw new Malformed(IngestReason.UNKNOWN_STATE, "detail.state " + Printable.of(state) + " is not an EC2 state",
                    instanceId);
        }
        return new StateChange.Ec2Instance(id, time, instanceId, state);
    }

    private static StateChange.EcsTask parseTask(String id, Instant time, JsonNode detail) throws Malformed {
        String taskArn = text(detail, "taskArn");
        String taskId = taskArn == null ? null : taskArn.substring(taskArn.lastIndexOf('/') + 1);
        if (!InstanceIds.isEcsTaskId(taskId)) {
            throw new Malformed(IngestReason.INVALID_INSTANCE_ID, "detail.taskArn " + Printable.of(taskArn)
                    + " does not end in an ECS task id (32 lower-case hex digits)", taskId);
        }
        JsonNode version = detail.get("version");
        if (version == null || !version.canConvertToLong() || !version.isIntegralNumber() || version.asLong() < 0) {
            throw new Malformed(IngestReason.MISSING_FIELD, "detail.version must be a non-negative whole number", taskId);
        }
        String lastStatus = text(detail, "lastStatus");
        String desiredStatus = text(detail, "desiredStatus");
        if (EcsStatus.fromWireName(lastStatus).isEmpty() || EcsStatus.fromWireName(desiredStatus).isEmpty()) {
            throw new Malformed(IngestReason.UNKNOWN_STATE, "detail.lastStatus " + Printable.of(lastStatus)
                    + " / desiredStatus " + Printable.of(desiredStatus) + " is not an ECS task status", taskId);
        }
        String clusterArn = text(detail, "clusterArn");
        if (clusterArn == null || !CLUSTER_ARN.matcher(clusterArn).matches()) {
            throw new Malformed(IngestReason.MISSING_FIELD, "detail.clusterArn " + Printable.of(clusterArn)
                    + " is not an ECS cluster ARN", taskId);
        }
        String eni = null;
        String privateIp = null;
        for (JsonNode attachment : detail.path("attachments")) {
            if (!"eni".equals(attachment.path("type").asText())) {
                continue;
            }
            for (JsonNode d : attachment.path("details")) {
                String name = d.path("name").asText();
                String value = d.path("value").isTextual() ? d.path("value").asText() : null;
                if ("networkInterfaceId".equals(name) && value != null && ENI_ID.matcher(value).matches()) {
                    eni = value;
                } else if ("privateIPv4Address".equals(name) && value != null && IPV4.matcher(value).matches()) {
                    privateIp = value;
                }
            }
        }
        return new StateChange.EcsTask(id, time, taskId, clusterArn, taskArn, version.asLong(), lastStatus, desiredStatus, eni,
                privateIp);
    }

    private static String text(JsonNode node, String field) {
        JsonNode n = node.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    /** Input that can never succeed, with the dead-letter reason. */
    static final class Malformed extends Exception {
        final IngestReason reason;
        final String key;

        Malformed(IngestReason reason, String message, String key) {
            super(message);
            this.reason = reason;
            this.key = key;
        }
    }
}
