package dev.elephant.standins.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.elephant.events.EcsStatus;
import dev.elephant.events.Json;
import dev.elephant.standins.http.Exchanges;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The part of Amazon ECS's JSON 1.1 API that Elephant and its users call: {@code CreateCluster},
 * {@code RunTask} (Fargate, awsvpc), {@code StopTask}, {@code ListTasks} and {@code DescribeTasks} with
 * {@code include: ["TAGS"]} — a task's tags, which ECS propagates from its service or task definition (the
 * ENI of a Fargate task carries none). An unknown task is a {@code MISSING} failure, as ECS reports a task it
 * no longer knows; an unknown cluster is a {@code ClusterNotFoundException}; a Fargate task without an awsvpc
 * network configuration is refused as ECS refuses it.
 *
 * <p>Source: Amazon ECS API Reference (RunTask, StopTask, ListTasks, DescribeTasks, CreateCluster, Common
 * Errors).
 */
final class EcsApi {

    static final String TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    /** RunTask's limit per call. */
    private static final int MAX_COUNT = 10;

    private final EcsTasks tasks;
    /** Cluster ARNs that exist: {@code default}, made at start, and those created or registered since. */
    private final Set<String> clusters = ConcurrentHashMap.newKeySet();

    EcsApi(EcsTasks tasks) {
        this.tasks = tasks;
        clusters.add(tasks.clusterArn("default"));
    }

    EcsTasks tasks() {
        return tasks;
    }

    void register(EcsTasks.Task task) {
        clusters.add(task.clusterArn());
        tasks.register(task);
    }

    void handle(HttpExchange exchange, String target) throws IOException {
        JsonNode body = Json.mapper().readTree(Exchanges.readBody(exchange, 1 << 20));
        String operation = target.substring(TARGET_PREFIX.length());
        try {
            ObjectNode out = switch (operation) {
                case "CreateCluster" -> createCluster(body);
                case "RunTask" -> runTask(body);
                case "StopTask" -> stopTask(body);
                case "ListTasks" -> listTasks(body);
                case "DescribeTasks" -> describeTasks(body);
                default -> throw new EcsError("InvalidParameterException",
                        "the ECS stand-in does not implement " + operation);
            };
            Exchanges.respond(exchange, 200, CONTENT_TYPE, Json.toBytes(out));
        } catch (EcsError e) {
            ObjectNode out = Json.mapper().createObjectNode().put("__type", e.type).put("message", e.getMessage());
            Exchanges.respond(exchange, 400, CONTENT_TYPE, Json.toBytes(out));
        }
    }

    private ObjectNode createCluster(JsonNode body) {
        String name = body.path("clusterName").asText("default");
        String arn = tasks.clusterArn(name);
        clusters.add(arn);
        ObjectNode out = Json.mapper().createObjectNode();
        out.putObject("cluster").put("clusterArn", arn).put("clusterName", name).put("status", "ACTIVE");
        return out;
    }

    private String cluster(JsonNode body) {
        String cluster = body.path("cluster").asText("default");
        if (!clusters.contains(tasks.clusterArn(cluster))) {
            throw new EcsError("ClusterNotFoundException", "Cluster not found.");
        }
        return cluster;
    }

    private ObjectNode runTask(JsonNode body) {
        String cluster = cluster(body);
        String definition = body.path("taskDefinition").asText(null);
        if (definition == null || definition.isBlank()) {
            throw new EcsError("InvalidParameterException", "TaskDefinition can not be blank.");
        }
        int count = body.path("count").asInt(1);
        if (count < 1 || count > MAX_COUNT) {
            throw new EcsError("InvalidParameterException", "count must be between 1 and " + MAX_COUNT + ".");
        }
        JsonNode awsvpc = body.path("networkConfiguration").path("awsvpcConfiguration");
        if (awsvpc.isMissingNode() || !awsvpc.path("subnets").isArray() || awsvpc.path("subnets").isEmpty()) {
            throw new EcsError("InvalidParameterException",
                    "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (JsonNode t : body.path("tags")) {
            tags.put(t.path("key").asText(), t.path("value").asText(""));
        }
        boolean publicIp = "ENABLED".equals(awsvpc.path("assignPublicIp").asText("DISABLED"));
        String group = body.hasNonNull("group") ? body.get("group").asText() : null;
        List<EcsTasks.Task> started = tasks.run(cluster, definition, count, publicIp, tags, group);
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode list = out.putArray("tasks");
        started.forEach(t -> describe(list.addObject(), t, true));
        out.putArray("failures");
        return out;
    }

    private ObjectNode stopTask(JsonNode body) {
        String cluster = cluster(body);
        String task = body.path("task").asText(null);
        if (task == null || task.isBlank()) {
            throw new EcsError("InvalidParameterException", "Task can not be blank.");
        }
        EcsTasks.Task stopped = tasks.stop(cluster, task, body.path("reason").asText("Task stopped by user"));
        if (stopped == null) {
            throw new EcsError("InvalidParameterException", "The referenced task was not found.");
        }
        ObjectNode out = Json.mapper().createObjectNode();
        describe(out.putObject("task"), stopped, false);
        return out;
    }

    private ObjectNode listTasks(JsonNode body) {
        String cluster = cluster(body);
        EcsStatus desired = body.hasNonNull("desiredStatus") ? EcsStatus.valueOf(body.get("desiredStatus").asText())
                : EcsStatus.RUNNING; // ECS lists RUNNING unless asked otherwise
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode arns = out.putArray("taskArns");
        tasks.inCluster(cluster, desired).forEach(t -> arns.add(t.taskArn()));
        return out;
    }

    private ObjectNode describeTasks(JsonNode body) {
        boolean withTags = false;
        for (JsonNode field : body.path("include")) {
            withTags |= field.asText().equals("TAGS");
        }
        String cluster = body.path("cluster").asText("default");
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode found = out.putArray("tasks");
        ArrayNode failures = out.putArray("failures");
        for (JsonNode arn : body.path("tasks")) {
            EcsTasks.Task task = clusters.contains(tasks.clusterArn(cluster)) ? tasks.find(cluster, arn.asText()) : null;
            if (task == null) {
                failures.addObject().put("arn", arn.asText()).put("reason", "MISSING");
                continue;
            }
            describe(found.addObject(), task, withTags);
        }
        return out;
    }

    private static void describe(ObjectNode t, EcsTasks.Task task, boolean withTags) {
        t.put("taskArn", task.taskArn()).put("clusterArn", task.clusterArn()).put("group", task.group());
        if (task.lastStatus() != null) {
            t.put("taskDefinitionArn", task.taskDefinitionArn()).put("lastStatus", task.lastStatus().name())
                    .put("desiredStatus", task.desiredStatus().name()).put("version", task.version())
                    .put("launchType", "FARGATE");
            t.set("attachments", EcsTasks.attachments(task, "ElasticNetworkInterface"));
        }
        if (withTags) {
            ArrayNode tags = t.putArray("tags");
            task.tags().forEach((k, v) -> tags.addObject().put("key", k).put("value", v));
        }
    }

    private static final class EcsError extends RuntimeException {
        final String type;

        EcsError(String type, String message) {
            super(message);
            this.type = type;
        }
    }
}
