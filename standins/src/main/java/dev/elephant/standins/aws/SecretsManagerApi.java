package dev.elephant.standins.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.elephant.events.Json;
import dev.elephant.standins.http.Exchanges;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Secrets Manager's {@code GetSecretValue}, {@code CreateSecret} and {@code PutSecretValue} over the AWS JSON 1.1 protocol
 * ({@code X-Amz-Target: secretsmanager.…}), as the AWS SDK v2 calls them. Source: AWS Secrets Manager
 * API Reference, GetSecretValue / CreateSecret and "Common errors".
 */
final class SecretsManagerApi {

    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final String region;
    private final Clock clock;

    SecretsManagerApi(String region, Clock clock) {
        this.region = region;
        this.clock = clock;
    }

    void put(String name, String value) {
        secrets.put(name, value);
    }

    java.util.Optional<String> get(String name) {
        return java.util.Optional.ofNullable(secrets.get(name));
    }

    void handle(HttpExchange exchange, String target) throws IOException {
        JsonNode body = Json.mapper().readTree(Exchanges.readBody(exchange, 1 << 20));
        String operation = target.substring("secretsmanager.".length());
        switch (operation) {
            case "GetSecretValue" -> {
                String id = body.path("SecretId").asText(null);
                String name = id != null && id.startsWith("arn:") ? nameOf(id) : id;
                String value = name == null ? null : secrets.get(name);
                if (value == null) {
                    error(exchange, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
                    return;
                }
                ObjectNode out = Json.mapper().createObjectNode()
                        .put("ARN", arn(name))
                        .put("Name", name)
                        .put("SecretString", value)
                        .put("VersionId", UUID.nameUUIDFromBytes(value.getBytes()).toString())
                        .put("CreatedDate", clock.millis() / 1000.0);
                out.putArray("VersionStages").add("AWSCURRENT");
                Exchanges.respond(exchange, 200, CONTENT_TYPE, Json.toBytes(out));
            }
            case "CreateSecret" -> {
                String name = body.path("Name").asText(null);
                if (name == null || secrets.putIfAbsent(name, body.path("SecretString").asText("")) != null) {
                    error(exchange, "ResourceExistsException", "The operation failed because the secret " + name
                            + " already exists.");
                    return;
                }
                // With a SecretString, CreateSecret answers the first version's id (API Reference, CreateSecret).
                String value = body.path("SecretString").asText("");
                ObjectNode out = Json.mapper().createObjectNode().put("ARN", arn(name)).put("Name", name)
                        .put("VersionId", UUID.nameUUIDFromBytes(value.getBytes()).toString());
                Exchanges.respond(exchange, 200, CONTENT_TYPE, Json.toBytes(out));
            }
            case "PutSecretValue" -> {
                String id = body.path("SecretId").asText(null);
                String name = id != null && id.startsWith("arn:") ? nameOf(id) : id;
                if (name == null || !secrets.containsKey(name)) {
                    error(exchange, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
                    return;
                }
                String value = body.path("SecretString").asText("");
                secrets.put(name, value);
                ObjectNode out = Json.mapper().createObjectNode().put("ARN", arn(name)).put("Name", name)
                        .put("VersionId", UUID.nameUUIDFromBytes(value.getBytes()).toString());
                out.putArray("VersionStages").add("AWSCURRENT");
                Exchanges.respond(exchange, 200, CONTENT_TYPE, Json.toBytes(out));
            }
            default -> error(exchange, "UnknownOperationException", "Unknown operation " + operation);
        }
    }

    private String arn(String name) {
        return "arn:aws:secretsmanager:" + region + ":" + Ec2Fleet.ACCOUNT + ":secret:" + name + "-AbCdEf";
    }

    /** The secret's name from its ARN (which ends in a dash and six random characters). */
    private static String nameOf(String arn) {
        String last = arn.substring(arn.lastIndexOf(':') + 1);
        return last.length() > 7 && last.charAt(last.length() - 7) == '-' ? last.substring(0, last.length() - 7) : last;
    }

    private static void error(HttpExchange exchange, String type, String message) throws IOException {
        ObjectNode out = Json.mapper().createObjectNode().put("__type", type).put("Message", message);
        Exchanges.respond(exchange, 400, CONTENT_TYPE, Json.toBytes(out));
    }
}
