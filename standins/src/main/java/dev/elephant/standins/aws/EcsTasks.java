package dev.elephant.standins.aws;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elephant.events.EcsStatus;
import dev.elephant.events.Json;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The ECS tasks of the stand-in: {@code RunTask} starts Fargate tasks in awsvpc mode, each with a network
 * interface of its own (a public address only with {@code assignPublicIp: ENABLED}), and {@code StopTask} stops
 * them. Each moves through ECS's lifecycle — PROVISIONING, PENDING, ACTIVATING, RUNNING; then DEACTIVATING,
 * STOPPING, DEPROVISIONING, STOPPED — one status per transition delay, each change announced as an "ECS Task
 * State Change" event with the task's {@code version} one higher, as EventBridge delivers ECS's events. The
 * network interface goes at DEPROVISIONING, as Fargate releases it.
 *
 * <p>Source: Amazon ECS Developer Guide, "Amazon ECS task lifecycle" and "Amazon ECS task state change events";
 * API Reference, RunTask and StopTask.
 */
final class EcsTasks {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final List<EcsStatus> STARTING = List.of(EcsStatus.PROVISIONING, EcsStatus.PENDING,
            EcsStatus.ACTIVATING, EcsStatus.RUNNING);
    private static final List<EcsStatus> STOPPING = List.of(EcsStatus.DEACTIVATING, EcsStatus.STOPPING,
            EcsStatus.DEPROVISIONING, EcsStatus.STOPPED);

    /** One task as the stand-in keeps it. */
    record Task(String clusterArn, String taskArn, String taskDefinitionArn, String group, Map<String, String> tags,
                EcsStatus lastStatus, EcsStatus desiredStatus, long version, String networkInterfaceId,
                String privateIp, String stoppedReason) {

        Task with(EcsStatus last, EcsStatus desired, String reason) {
            return new Task(clusterArn, taskArn, taskDefinitionArn, group, tags, last, desired, version + 1,
                    networkInterfaceId, privateIp, reason);
        }

        String taskId() {
            return taskArn.substring(taskArn.lastIndexOf('/') + 1);
        }
    }

    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private final Map<EcsStatus, Integer> toLose = new EnumMap<>(EcsStatus.class);
    private final String region;
    private final Ec2Fleet fleet;
    private final ScheduledExecutorService scheduler;
    private final Duration transitionDelay;
    private final EventBridgeDelivery delivery;
    private final Clock clock;

    EcsTasks(String region, Ec2Fleet fleet, ScheduledExecutorService scheduler, Duration transitionDelay,
             EventBridgeDelivery delivery, Clock clock) {
        this.region = region;
        this.fleet = fleet;
        this.scheduler = scheduler;
        this.transitionDelay = transitionDelay;
        this.delivery = delivery;
        this.clock = clock;
    }

    String clusterArn(String cluster) {
        return cluster.startsWith("arn:") ? cluster : arn("cluster/" + cluster);
    }

    /** An ECS resource's ARN in this stand-in's region and account. */
    private String arn(String resource) {
        return "arn:aws:ecs:" + region + ":" + Ec2Fleet.ACCOUNT + ":" + resource;
    }

    /** A task registered as already there (tests of the tag lookup): it has no lifecycle of its own. */
    synchronized void register(Task task) {
        tasks.put(task.taskArn(), task);
    }

    synchronized List<Task> run(String cluster, String taskDefinition, int count, boolean publicIp,
                                Map<String, String> tags, String group) {
        String clusterArn = clusterArn(cluster);
        String family = taskDefinition.contains("/") ? taskDefinition.substring(taskDefinition.lastIndexOf('/') + 1)
                : taskDefinition;
        String definitionArn = taskDefinition.startsWith("arn:") ? taskDefinition
                : arn("task-definition/" + (family.contains(":") ? family : family + ":1"));
        List<Task> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] id = new byte[16];
            RANDOM.nextBytes(id);
            String taskArn = arn("task/" + clusterArn.substring(clusterArn.lastIndexOf('/') + 1) + "/"
                    + HexFormat.of().formatHex(id));
            // Fargate's interface carries no tags of the task's; its public address only when asked for one.
            NetworkInterface eni = fleet.createNetworkInterface(Map.of(), publicIp);
            Task task = new Task(clusterArn, taskArn, definitionArn,
                    group != null ? group : "family:" + family.split(":")[0], Map.copyOf(tags),
                    EcsStatus.PROVISIONING, EcsStatus.RUNNING, 1, eni.id(), eni.privateIp(), null);
            tasks.put(taskArn, task);
            started.add(task);
            announce(task);
            later(taskArn, task.version());
        }
        return started;
    }

    /** @return the task as it is after being told to stop, or null when the cluster has no such task */
    synchronized Task stop(String cluster, String taskIdOrArn, String reason) {
        Task task = find(cluster, taskIdOrArn);
        if (task == null) {
            return null;
        }
        if (task.desiredStatus() == EcsStatus.STOPPED) {
            return task; // StopTask on a stopping or stopped task changes nothing
        }
        Task stopping = task.with(task.lastStatus(), EcsStatus.STOPPED, reason);
        tasks.put(task.taskArn(), stopping);
        announce(stopping);
        later(task.taskArn(), stopping.version());
        return stopping;
    }

    synchronized Task find(String cluster, String taskIdOrArn) {
        String clusterArn = clusterArn(cluster);
        for (Task t : tasks.values()) {
            if ((t.taskArn().equals(taskIdOrArn) || t.taskId().equals(taskIdOrArn)) && t.clusterArn().equals(clusterArn)) {
                return t;
            }
        }
        return null;
    }

    synchronized List<Task> inCluster(String cluster, EcsStatus desired) {
        String clusterArn = clusterArn(cluster);
        return tasks.values().stream()
                .filter(t -> t.clusterArn().equals(clusterArn) && (desired == null || t.desiredStatus() == desired))
                .toList();
    }

    private void later(String taskArn, long version) {
        scheduler.schedule(() -> advance(taskArn, version), transitionDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One step on towards the desired status, unless the task changed meanwhile (its version moved on). */
    private synchronized void advance(String taskArn, long version) {
        Task t = tasks.get(taskArn);
        if (t == null || t.version() != version) {
            return;
        }
        List<EcsStatus> path = t.desiredStatus() == EcsStatus.RUNNING ? STARTING : STOPPING;
        int at = path.indexOf(t.lastStatus());
        EcsStatus next;
        if (at < 0) {
            next = path.get(0); // a task told to stop while still starting goes on to DEACTIVATING
        } else if (at == path.size() - 1) {
            return; // arrived
        } else {
            next = path.get(at + 1);
        }
        Task after = t.with(next, t.desiredStatus(), t.stoppedReason());
        if (next == EcsStatus.DEPROVISIONING) {
            fleet.deleteNetworkInterface(t.networkInterfaceId());
        }
        tasks.put(taskArn, after);
        announce(after);
        later(taskArn, after.version());
    }

    /** The next {@code count} state-change events into {@code status} are lost, as EventBridge rarely loses one. */
    synchronized void loseEvents(EcsStatus status, int count) {
        toLose.merge(status, count, Integer::sum);
    }

    private void announce(Task t) {
        Integer lose = toLose.get(t.lastStatus());
        if (lose != null && lose > 0) {
            toLose.put(t.lastStatus(), lose - 1);
            return;
        }
        ObjectNode event = Json.mapper().createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "ECS Task State Change");
        event.put("source", "aws.ecs");
        event.put("account", Ec2Fleet.ACCOUNT);
        event.put("time", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", region);
        event.putArray("resources").add(t.taskArn());
        ObjectNode detail = event.putObject("detail");
        detail.set("attachments", attachments(t, "eni"));
        detail.put("clusterArn", t.clusterArn());
        detail.put("launchType", "FARGATE");
        detail.put("desiredStatus", t.desiredStatus().name());
        detail.put("lastStatus", t.lastStatus().name());
        detail.put("group", t.group());
        detail.put("taskArn", t.taskArn());
        detail.put("taskDefinitionArn", t.taskDefinitionArn());
        detail.put("version", t.version());
        if (t.stoppedReason() != null) {
            detail.put("stoppedReason", t.stoppedReason());
        }
        delivery.deliver(Json.toString(event));
    }

    /**
     * The task's network interface: {@code eni} in the events (ECS's own sample), {@code ElasticNetworkInterface}
     * in RunTask's and DescribeTasks' answers.
     */
    static ArrayNode attachments(Task t, String type) {
        ArrayNode attachments = Json.mapper().createArrayNode();
        if (t.networkInterfaceId() == null) {
            return attachments;
        }
        ObjectNode eni = attachments.addObject();
        eni.put("id", UUID.nameUUIDFromBytes(t.taskArn().getBytes()).toString());
        eni.put("type", type);
        eni.put("status", t.lastStatus().ordinal() >= EcsStatus.DEPROVISIONING.ordinal() ? "DELETED" : "ATTACHED");
        ArrayNode details = eni.putArray("details");
        details.addObject().put("name", "subnetId").put("value", "subnet-0a1b2c3d");
        details.addObject().put("name", "networkInterfaceId").put("value", t.networkInterfaceId());
        details.addObject().put("name", "privateIPv4Address").put("value", t.privateIp());
        return attachments;
    }
}
