package dev.elephant.standins.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What EventBridge holds for routing events to an HTTP endpoint: rules with their event patterns and
 * targets, connections (API key auth) and API destinations. An event goes to every API destination
 * targeted by an enabled rule whose pattern matches it. Pattern matching covers what rules written
 * for Elephant use: a list of values matches when the event's value (or any element of an event
 * array) equals one of them; an object matches field by field.
 */
final class EventBridgeRules {

    record Rule(String name, String arn, String eventBus, JsonNode pattern, String state, String description) {}

    record Target(String id, String arn, String roleArn, Integer maximumRetryAttempts, Integer maximumEventAgeInSeconds,
                  String deadLetterArn) {}

    record Connection(String name, String arn, String authorizationType, String apiKeyName, String apiKeyValue,
                      String description) {}

    record ApiDestination(String name, String arn, String connectionArn, String invocationEndpoint, String httpMethod,
                          Integer invocationRateLimitPerSecond, String description) {}

    /** Where one event goes, and with which connection header. */
    record Route(URI endpoint, String headerName, String headerValue) {}

    final Map<String, Rule> rules = new LinkedHashMap<>();
    final Map<String, Map<String, Target>> targets = new LinkedHashMap<>();
    final Map<String, Connection> connections = new LinkedHashMap<>();
    final Map<String, ApiDestination> apiDestinations = new LinkedHashMap<>();

    synchronized boolean routesToApiDestinations() {
        return targets.values().stream().flatMap(t -> t.values().stream())
                .anyMatch(t -> destinationByArn(t.arn()) != null);
    }

    synchronized List<Route> routes(JsonNode event) {
        List<Route> routes = new ArrayList<>();
        for (Rule rule : rules.values()) {
            if (!"ENABLED".equals(rule.state()) || !matches(rule.pattern(), event)) {
                continue;
            }
            for (Target target : targets.getOrDefault(rule.name(), Map.of()).values()) {
                ApiDestination destination = destinationByArn(target.arn());
                if (destination == null) {
                    continue;
                }
                Connection connection = connectionByArn(destination.connectionArn());
                routes.add(new Route(URI.create(destination.invocationEndpoint()),
                        connection == null ? null : connection.apiKeyName(),
                        connection == null ? null : connection.apiKeyValue()));
            }
        }
        return routes;
    }

    ApiDestination destinationByArn(String arn) {
        return apiDestinations.values().stream().filter(d -> d.arn().equals(arn)).findFirst().orElse(null);
    }

    Connection connectionByArn(String arn) {
        return connections.values().stream().filter(c -> c.arn().equals(arn)).findFirst().orElse(null);
    }

    /** Every leaf of the pattern is a list of plain values (what these patterns use). */
    static boolean matchesShape(JsonNode pattern) {
        Iterator<Map.Entry<String, JsonNode>> fields = pattern.fields();
        while (fields.hasNext()) {
            JsonNode value = fields.next().getValue();
            if (value.isObject()) {
                if (!matchesShape(value)) {
                    return false;
                }
            } else if (!value.isArray()) {
                return false;
            }
        }
        return true;
    }

    static boolean matches(JsonNode pattern, JsonNode event) {
        if (pattern == null || !pattern.isObject()) {
            return false;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = pattern.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = event == null ? null : event.get(field.getKey());
            JsonNode expected = field.getValue();
            if (expected.isObject()) {
                if (value == null || !matches(expected, value)) {
                    return false;
                }
            } else if (expected.isArray()) {
                if (value == null || !anyEqual(expected, value)) {
                    return false;
                }
            } else {
                return false; // EventBridge requires arrays or objects as pattern leaves
            }
        }
        return true;
    }

    private static boolean anyEqual(JsonNode allowed, JsonNode value) {
        if (value.isArray()) {
            for (JsonNode element : value) {
                if (anyEqual(allowed, element)) {
                    return true;
                }
            }
            return false;
        }
        for (JsonNode a : allowed) {
            if (a.isValueNode() && a.equals(value)) {
                return true;
            }
        }
        return false;
    }
}
