package dev.elephant.standins.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.elephant.events.Json;
import dev.elephant.standins.http.Exchanges;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The part of Amazon ECS's JSON 1.1 API Elephant calls: {@code DescribeTasks} with {@code include: ["TAGS"]}
 * — a task's tags, which ECS propagates from its service or task definition (the ENI of a Fargate task
 * carries none). Tasks are registered by tests; an unknown task is a {@code MISSING} failure, as ECS
 * reports a task it no longer knows.
 */
final class EcsApi {

    static final String TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    record Task(String clusterArn, String taskArn, String group, Map<String, String> tags) {}

    private final Map<String, Task> tasks = new ConcurrentHashMap<>();

    void register(Task task) {
        tasks.put(task.taskArn(), task);
    }

    void handle(HttpExchange exchange, String target) throws IOException {
        JsonNode body = Json.mapper().readTree(Exchanges.readBody(exchange, 1 << 20));
        String operation = target.substring(TARGET_PREFIX.length());
        if (!operation.equals("DescribeTasks")) {
            error(exchange, "InvalidParameterException", "the ECS stand-in does not implement " + operation);
            return;
        }
        boolean withTags = false;
        for (JsonNode field : body.path("include")) {
            withTags |= field.asText().equals("TAGS");
        }
        String cluster = body.path("cluster").asText("default");
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode found = out.putArray("tasks");
        ArrayNode failures = out.putArray("failures");
        for (JsonNode arn : body.path("tasks")) {
            Task task = tasks.get(arn.asText());
            if (task == null || !(task.clusterArn().equals(cluster) || task.clusterArn().endsWith("/" + cluster))) {
                failures.addObject().put("arn", arn.asText()).put("reason", "MISSING");
                continue;
            }
            ObjectNode t = found.addObject().put("taskArn", task.taskArn()).put("clusterArn", task.clusterArn())
                    .put("group", task.group());
            if (withTags) {
                ArrayNode tags = t.putArray("tags");
                task.tags().forEach((k, v) -> tags.addObject().put("key", k).put("value", v));
            }
        }
        Exchanges.respond(exchange, 200, CONTENT_TYPE, Json.toBytes(out));
    }

    private static void error(HttpExchange exchange, String type, String message) throws IOException {
        ObjectNode out = Json.mapper().createObjectNode().put("__type", type).put("message", message);
        Exchanges.respond(exchange, 400, CONTENT_TYPE, Json.toBytes(out));
    }
}
