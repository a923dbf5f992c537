package dev.elephant.standins.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.elephant.events.Json;
import dev.elephant.standins.http.Exchanges;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * EventBridge over the AWS JSON 1.1 protocol ({@code X-Amz-Target: AWSEvents.…}), as the AWS SDK v2
 * calls it. Source: Amazon EventBridge API Reference.
 *
 * <p>{@code PutEvents} (and the user guide's "Sending events with PutEvents"): at most 10 entries;
 * each answered in request order, with an {@code EventId} or an {@code ErrorCode} and
 * {@code ErrorMessage}; one failed entry does not stop the others. The events put are kept for tests
 * to read.
 *
 * <p>Routing to an HTTP endpoint: {@code PutRule}/{@code DescribeRule}, {@code CreateConnection}/
 * {@code DescribeConnection}/{@code UpdateConnection} (API key auth; the key is never returned),
 * {@code CreateApiDestination}/{@code DescribeApiDestination}/{@code UpdateApiDestination},
 * {@code PutTargets}/{@code ListTargetsByRule}. The stand-in's EC2 events then go where these say
 * ({@link EventBridgeRules}).
 */
final class EventBridgeApi {

    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final int MAX_ENTRIES = 10;
    private static final int MAX_REQUEST_BYTES = 256 * 1024;
    private final List<PutEvent> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger entriesToFail = new AtomicInteger();
    private final Clock clock;
    private final String region;
    private final EventBridgeRules rules;

    EventBridgeApi(Clock clock, String region, EventBridgeRules rules) {
        this.clock = clock;
        this.region = region;
        this.rules = rules;
    }

    List<PutEvent> events() {
        return List.copyOf(events);
    }

    /** The next {@code count} entries fail with {@code ThrottlingException}, as under a PutEvents quota. */
    void throttleEntries(int count) {
        entriesToFail.set(count);
    }

    void handle(HttpExchange exchange, String target) throws IOException {
        byte[] raw = Exchanges.readBody(exchange, 1 << 20);
        String operation = target.substring("AWSEvents.".length());
        if (!operation.equals("PutEvents")) {
            JsonNode body = Json.mapper().readTree(raw);
            try {
                ObjectNode answer = manage(operation, body == null ? Json.mapper().createObjectNode() : body);
                Exchanges.respond(exchange, 200, CONTENT_TYPE, Json.toBytes(answer));
            } catch (Refused e) {
                error(exchange, 400, e.type, e.getMessage());
            }
            return;
        }
        if (raw.length > MAX_REQUEST_BYTES) {
            error(exchange, 400, "ValidationException", "Total size of the entries in the request is over the limit.");
            return;
        }
        JsonNode entries = Json.mapper().readTree(raw).path("Entries");
        if (!entries.isArray() || entries.isEmpty() || entries.size() > MAX_ENTRIES) {
            error(exchange, 400, "ValidationException", "1 validation error detected: Value at 'entries' failed to "
                    + "satisfy constraint: Member must have length less than or equal to " + MAX_ENTRIES
                    + " and greater than or equal to 1");
            return;
        }
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode results = out.putArray("Entries");
        int failed = 0;
        for (JsonNode entry : entries) {
            String problem = problemWith(entry);
            ObjectNode result = results.addObject();
            if (problem == null && entriesToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                result.put("ErrorCode", "ThrottlingException").put("ErrorMessage", "Rate exceeded");
                failed++;
            } else if (problem != null) {
                result.put("ErrorCode", problem.substring(0, problem.indexOf(':')))
                        .put("ErrorMessage", problem.substring(problem.indexOf(':') + 2));
                failed++;
            } else {
                String id = UUID.randomUUID().toString();
                Instant time = entry.hasNonNull("Time")
                        ? Instant.ofEpochMilli((long) (entry.get("Time").asDouble() * 1000)) : clock.instant();
                events.add(new PutEvent(id, entry.path("EventBusName").asText("default"), entry.get("Source").asText(),
                        entry.get("DetailType").asText(), entry.get("Detail").asText(), time));
                result.put("EventId", id);
            }
        }
        out.put("FailedEntryCount", failed);
        Exchanges.respond(exchange, 200, CONTENT_TYPE, Json.toBytes(out));
    }

    private static final class Refused extends Exception {
        final String type;

        Refused(String type, String message) {
            super(message);
            this.type = type;
        }
    }

    private ObjectNode manage(String operation, JsonNode in) throws Refused {
        synchronized (rules) {
            return switch (operation) {
                case "PutRule" -> putRule(in);
                case "DescribeRule" -> describeRule(in);
                case "CreateConnection" -> putConnection(in, true);
                case "UpdateConnection" -> putConnection(in, false);
                case "DescribeConnection" -> describeConnection(in);
                case "CreateApiDestination" -> putApiDestination(in, true);
                case "UpdateApiDestination" -> putApiDestination(in, false);
                case "DescribeApiDestination" -> describeApiDestination(in);
                case "PutTargets" -> putTargets(in);
                case "ListTargetsByRule" -> listTargets(in);
                default -> throw new Refused("UnknownOperationException", "Unknown operation " + operation);
            };
        }
    }

    private String arn(String resource) {
        return "arn:aws:events:" + region + ":" + Ec2Fleet.ACCOUNT + ":" + resource;
    }

    private static String required(JsonNode in, String field) throws Refused {
        String value = in.path(field).asText(null);
        if (value == null || value.isEmpty()) {
            throw new Refused("ValidationException", "1 validation error detected: Value null at '" + field
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return value;
    }

    private ObjectNode putRule(JsonNode in) throws Refused {
        String name = required(in, "Name");
        String bus = in.path("EventBusName").asText("default");
        String patternText = required(in, "EventPattern");
        JsonNode pattern;
        try {
            pattern = Json.mapper().readTree(patternText);
        } catch (IOException e) {
            throw new Refused("InvalidEventPatternException", "Event pattern is not valid. Reason: not JSON");
        }
        if (pattern == null || !pattern.isObject() || !EventBridgeRules.matchesShape(pattern)) {
            throw new Refused("InvalidEventPatternException",
                    "Event pattern is not valid. Reason: Match value must be String, number, true, false, or null");
        }
        String ruleArn = arn("rule/" + ("default".equals(bus) ? "" : bus + "/") + name);
        rules.rules.put(name, new EventBridgeRules.Rule(name, ruleArn, bus, pattern, in.path("State").asText("ENABLED"),
                in.path("Description").asText(null)));
        return Json.mapper().createObjectNode().put("RuleArn", ruleArn);
    }

    private ObjectNode describeRule(JsonNode in) throws Refused {
        String name = required(in, "Name");
        EventBridgeRules.Rule rule = rules.rules.get(name);
        if (rule == null) {
            throw new Refused("ResourceNotFoundException", "Rule " + name + " does not exist on EventBus "
                    + in.path("EventBusName").asText("default") + ".");
        }
        ObjectNode out = Json.mapper().createObjectNode().put("Name", rule.name()).put("Arn", rule.arn())
                .put("EventPattern", rule.pattern().toString()).put("State", rule.state())
                .put("EventBusName", rule.eventBus());
        if (rule.description() != null) {
            out.put("Description", rule.description());
        }
        return out;
    }

    private ObjectNode putConnection(JsonNode in, boolean create) throws Refused {
        String name = required(in, "Name");
        EventBridgeRules.Connection existing = rules.connections.get(name);
        if (create && existing != null) {
            throw new Refused("ResourceAlreadyExistsException", "Connection " + name + " already exists.");
        }
        if (!create && existing == null) {
            throw new Refused("ResourceNotFoundException", "Failed to describe the connection(s). Connection '" + name
                    + "' does not exist.");
        }
        String type = create ? required(in, "AuthorizationType") : in.path("AuthorizationType").asText(
                existing.authorizationType());
        if (!"API_KEY".equals(type) && !"BASIC".equals(type)) {
            throw new Refused("ValidationException", "The stand-in supports API_KEY and BASIC connections only");
        }
        JsonNode key = in.path("AuthParameters").path("ApiKeyAuthParameters");
        String keyName = key.path("ApiKeyName").asText(existing == null ? null : existing.apiKeyName());
        String keyValue = key.path("ApiKeyValue").asText(existing == null ? null : existing.apiKeyValue());
        if (keyName == null || keyValue == null) {
            throw new Refused("ValidationException", "ApiKeyAuthParameters need ApiKeyName and ApiKeyValue");
        }
        String connectionArn = existing != null ? existing.arn()
                : arn("connection/" + name + "/" + UUID.randomUUID());
        rules.connections.put(name, new EventBridgeRules.Connection(name, connectionArn, type, keyName, keyValue,
                in.path("Description").asText(existing == null ? null : existing.description())));
        return Json.mapper().createObjectNode().put("ConnectionArn", connectionArn)
                .put("ConnectionState", "AUTHORIZED");
    }

    private ObjectNode describeConnection(JsonNode in) throws Refused {
        String name = required(in, "Name");
        EventBridgeRules.Connection c = rules.connections.get(name);
        if (c == null) {
            throw new Refused("ResourceNotFoundException", "Failed to describe the connection(s). Connection '" + name
                    + "' does not exist.");
        }
        ObjectNode out = Json.mapper().createObjectNode().put("Name", c.name()).put("ConnectionArn", c.arn())
                .put("ConnectionState", "AUTHORIZED").put("AuthorizationType", c.authorizationType())
                .put("SecretArn", "arn:aws:secretsmanager:" + region + ":" + Ec2Fleet.ACCOUNT
                        + ":secret:events!connection/" + c.name());
        // The key's value stays in the connection's secret: only its name is described.
        out.putObject("AuthParameters").putObject("ApiKeyAuthParameters").put("ApiKeyName", c.apiKeyName());
        if (c.description() != null) {
            out.put("Description", c.description());
        }
        return out;
    }

    private ObjectNode putApiDestination(JsonNode in, boolean create) throws Refused {
        String name = required(in, "Name");
        EventBridgeRules.ApiDestination existing = rules.apiDestinations.get(name);
        if (create && existing != null) {
            throw new Refused("ResourceAlreadyExistsException", "An api-destination '" + name + "' already exists.");
        }
        if (!create && existing == null) {
            throw new Refused("ResourceNotFoundException", "An api-destination '" + name + "' does not exist.");
        }
        String connectionArn = in.path("ConnectionArn").asText(existing == null ? null : existing.connectionArn());
        String endpoint = in.path("InvocationEndpoint").asText(existing == null ? null : existing.invocationEndpoint());
        String method = in.path("HttpMethod").asText(existing == null ? null : existing.httpMethod());
        if (connectionArn == null || endpoint == null || method == null) {
            throw new Refused("ValidationException", "ConnectionArn, InvocationEndpoint and HttpMethod are required");
        }
        if (rules.connectionByArn(connectionArn) == null) {
            throw new Refused("ResourceNotFoundException", "Connection '" + connectionArn + "' does not exist.");
        }
        Integer rate = in.hasNonNull("InvocationRateLimitPerSecond") ? in.get("InvocationRateLimitPerSecond").asInt()
                : existing == null ? Integer.valueOf(300) : existing.invocationRateLimitPerSecond();
        String destinationArn = existing != null ? existing.arn()
                : arn("api-destination/" + name + "/" + UUID.randomUUID());
        rules.apiDestinations.put(name, new EventBridgeRules.ApiDestination(name, destinationArn, connectionArn, endpoint,
                method, rate, in.path("Description").asText(existing == null ? null : existing.description())));
        return Json.mapper().createObjectNode().put("ApiDestinationArn", destinationArn)
                .put("ApiDestinationState", "ACTIVE");
    }

    private ObjectNode describeApiDestination(JsonNode in) throws Refused {
        String name = required(in, "Name");
        EventBridgeRules.ApiDestination d = rules.apiDestinations.get(name);
        if (d == null) {
            throw new Refused("ResourceNotFoundException", "An api-destination '" + name + "' does not exist.");
        }
        ObjectNode out = Json.mapper().createObjectNode().put("Name", d.name()).put("ApiDestinationArn", d.arn())
                .put("ApiDestinationState", "ACTIVE").put("ConnectionArn", d.connectionArn())
                .put("InvocationEndpoint", d.invocationEndpoint()).put("HttpMethod", d.httpMethod())
                .put("InvocationRateLimitPerSecond", d.invocationRateLimitPerSecond());
        if (d.description() != null) {
            out.put("Description", d.description());
        }
        return out;
    }

    private ObjectNode putTargets(JsonNode in) throws Refused {
        String rule = required(in, "Rule");
        if (!rules.rules.containsKey(rule)) {
            throw new Refused("ResourceNotFoundException", "Rule " + rule + " does not exist on EventBus "
                    + in.path("EventBusName").asText("default") + ".");
        }
        for (JsonNode t : in.path("Targets")) {
            String arn = required(t, "Arn");
            if (rules.destinationByArn(arn) != null && !t.hasNonNull("RoleArn")) {
                throw new Refused("ValidationException", "RoleArn is required for target " + arn + ".");
            }
        }
        Map<String, EventBridgeRules.Target> byId = rules.targets.computeIfAbsent(rule, r -> new LinkedHashMap<>());
        for (JsonNode t : in.path("Targets")) {
            JsonNode retry = t.path("RetryPolicy");
            byId.put(required(t, "Id"), new EventBridgeRules.Target(t.get("Id").asText(), t.get("Arn").asText(),
                    t.path("RoleArn").asText(null),
                    retry.hasNonNull("MaximumRetryAttempts") ? retry.get("MaximumRetryAttempts").asInt() : null,
                    retry.hasNonNull("MaximumEventAgeInSeconds") ? retry.get("MaximumEventAgeInSeconds").asInt() : null,
                    t.path("DeadLetterConfig").path("Arn").asText(null)));
        }
        ObjectNode out = Json.mapper().createObjectNode().put("FailedEntryCount", 0);
        out.putArray("FailedEntries");
        return out;
    }

    private ObjectNode listTargets(JsonNode in) throws Refused {
        String rule = required(in, "Rule");
        if (!rules.rules.containsKey(rule)) {
            throw new Refused("ResourceNotFoundException", "Rule " + rule + " does not exist.");
        }
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode list = out.putArray("Targets");
        for (EventBridgeRules.Target t : rules.targets.getOrDefault(rule, Map.of()).values()) {
            ObjectNode o = list.addObject().put("Id", t.id()).put("Arn", t.arn());
            if (t.roleArn() != null) {
                o.put("RoleArn", t.roleArn());
            }
            if (t.maximumRetryAttempts() != null || t.maximumEventAgeInSeconds() != null) {
                ObjectNode retry = o.putObject("RetryPolicy");
                if (t.maximumRetryAttempts() != null) {
                    retry.put("MaximumRetryAttempts", t.maximumRetryAttempts());
                }
                if (t.maximumEventAgeInSeconds() != null) {
                    retry.put("MaximumEventAgeInSeconds", t.maximumEventAgeInSeconds());
                }
            }
            if (t.deadLetterArn() != null) {
                o.putObject("DeadLetterConfig").put("Arn", t.deadLetterArn());
            }
        }
        return out;
    }

    private static String problemWith(JsonNode entry) {
        for (String field : new String[] {"Source", "DetailType", "Detail"}) {
            if (!entry.hasNonNull(field) || entry.get(field).asText().isEmpty()) {
                return "InvalidArgument: Parameter " + field + " is not valid. Reason: " + field + " is a required argument.";
            }
        }
        try {
            if (!Json.mapper().readTree(entry.get("Detail").asText()).isObject()) {
                return "MalformedDetail: Detail is malformed.";
            }
        } catch (IOException e) {
            return "MalformedDetail: Detail is malformed.";
        }
        if (entry.get("Detail").asText().getBytes(StandardCharsets.UTF_8).length > MAX_REQUEST_BYTES) {
            return "InvalidArgument: Parameter Detail is not valid. Reason: Detail is too large.";
        }
        return null;
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        ObjectNode out = Json.mapper().createObjectNode().put("__type", type).put("message", message);
        Exchanges.respond(exchange, status, CONTENT_TYPE, Json.toBytes(out));
    }
}
