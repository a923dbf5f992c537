package dev.elephant.app.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The configuration as dotted keys ({@code cloudflare.zoneId}, {@code kafka.bootstrap.servers}): a
 * YAML file, then the environment over it. An environment variable names a key in upper snake case
 * under {@code ELEPHANT_} ({@code ELEPHANT_CLOUDFLARE_ZONE_ID}); under {@code ELEPHANT_KAFKA_} every
 * underscore is a dot, since Kafka's own properties are dotted ({@code ELEPHANT_KAFKA_BOOTSTRAP_SERVERS}).
 */
final class FlatConfig {

    private final Map<String, String> values = new TreeMap<>();
    /** Every key a file or the environment may set, by its environment variable. */
    private final Map<String, String> keysByEnv = new TreeMap<>();

    FlatConfig(Iterable<String> knownKeys) {
        for (String key : knownKeys) {
            keysByEnv.put(envName(key), key);
        }
    }

    static String envName(String key) {
        return "ELEPHANT_" + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    void readYaml(Path file) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
        if (root == null || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new IOException(file + " is not a YAML mapping");
        }
        flatten("", root);
    }

    private void flatten(String prefix, JsonNode node) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            var f = fields.next();
            String key = prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey();
            // Kafka's properties are dotted names themselves: `bootstrap.servers: …` under `kafka` and
            // nested `bootstrap: {servers: …}` both become kafka.bootstrap.servers.
            if (f.getValue().isObject()) {
                flatten(key, f.getValue());
            } else if (!f.getValue().isNull()) {
                values.put(key, f.getValue().asText());
            }
        }
    }

    void readEnvironment(Map<String, String> env) {
        for (var e : env.entrySet()) {
            String name = e.getKey();
            if (name.startsWith("ELEPHANT_KAFKA_")) {
                values.put("kafka." + name.substring("ELEPHANT_KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'),
                        e.getValue());
            } else if (keysByEnv.containsKey(name)) {
                values.put(keysByEnv.get(name), e.getValue());
            }
        }
    }

    String get(String key) {
        String v = values.get(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** Keys set that Elephant does not know: a typo must not pass unnoticed. */
    Iterable<String> unknownKeys() {
        return values.keySet().stream()
                .filter(k -> !k.startsWith("kafka.") && !keysByEnv.containsValue(k))
                .toList();
    }
}
