package dev.elephant.app.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * Reads the file token by token and keeps every scalar's text as written: a tree would turn
     * {@code zoneId: 00000000000000000000000000000001} into the number 1, and {@code 1e3} into 1000.0.
     * A list of scalars becomes their texts joined by commas ({@code bootstrap.servers: [a:9092, b:9092]}).
     */
    void readYaml(Path file) throws IOException {
        try (JsonParser p = new YAMLFactory().createParser(Files.readAllBytes(file))) {
            JsonToken first = p.nextToken();
            if (first == null || first == JsonToken.VALUE_NULL) {
                return;
            }
            if (first != JsonToken.START_OBJECT) {
                throw new IOException(file + " is not a YAML mapping");
            }
            readMapping("", p);
        }
    }

    private void readMapping(String prefix, JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = prefix.isEmpty() ? p.currentName() : prefix + "." + p.currentName();
            JsonToken value = p.nextToken();
            // Kafka's properties are dotted names themselves: `bootstrap.servers: …` under `kafka` and
            // nested `bootstrap: {servers: …}` both become kafka.bootstrap.servers.
            if (value == JsonToken.START_OBJECT) {
                readMapping(key, p);
            } else if (value == JsonToken.START_ARRAY) {
                List<String> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (!p.currentToken().isScalarValue()) {
                        throw new IOException(key + ": a list may hold plain values only");
                    }
                    items.add(p.getText());
                }
                values.put(key, String.join(",", items));
            } else if (value != JsonToken.VALUE_NULL) {
                values.put(key, p.getText());
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
                // kafka.* are Kafka's own properties; failover.<name>.* are declarations, checked as such.
                .filter(k -> !k.startsWith("kafka.") && !k.startsWith("failover.") && !keysByEnv.containsValue(k))
                .toList();
    }
}
