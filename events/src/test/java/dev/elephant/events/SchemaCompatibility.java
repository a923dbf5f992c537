package dev.elephant.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a topic's schema can replace the released one without breaking a consumer or a producer: every released
 * field is still there with the same type, no field became required, an enum or const kept its values. A field may
 * be added as optional.
 */
final class SchemaCompatibility {

    private SchemaCompatibility() {}

    /** What breaks, one line each; empty when {@code current} is backward compatible with {@code released}. */
    static List<String> problems(JsonNode released, JsonNode current) {
        List<String> problems = new ArrayList<>();
        compare("", released, current, problems);
        return problems;
    }

    private static void compare(String at, JsonNode released, JsonNode current, List<String> problems) {
        for (String keyword : List.of("type", "const", "enum", "format")) {
            JsonNode before = released.get(keyword);
            JsonNode after = current.get(keyword);
            if (before != null && !before.equals(after)) {
                problems.add(where(at) + ": " + keyword + " was " + before + ", is " + (after == null ? "gone" : after));
            }
        }
        Set<String> requiredBefore = strings(released.get("required"));
        for (String field : strings(current.get("required"))) {
            if (!requiredBefore.contains(field)) {
                problems.add(where(at) + ": " + field + " became required");
            }
        }
        JsonNode propsBefore = released.get("properties");
        JsonNode propsAfter = current.get("properties");
        if (propsBefore != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = propsBefore.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode now = propsAfter == null ? null : propsAfter.get(field.getKey());
                String path = at.isEmpty() ? field.getKey() : at + "." + field.getKey();
                if (now == null) {
                    problems.add(path + ": removed (or renamed)");
                } else {
                    compare(path, field.getValue(), now, problems);
                }
            }
        }
        JsonNode itemsBefore = released.get("items");
        if (itemsBefore != null && itemsBefore.isObject()) {
            JsonNode itemsAfter = current.get("items");
            if (itemsAfter == null) {
                problems.add(where(at) + ": items removed");
            } else {
                compare(at + "[]", itemsBefore, itemsAfter, problems);
            }
        }
        JsonNode valuesBefore = released.get("additionalProperties");
        if (valuesBefore != null && valuesBefore.isObject()) {
            JsonNode valuesAfter = current.get("additionalProperties");
            if (valuesAfter == null || !valuesAfter.isObject()) {
                problems.add(where(at) + ": the type of its values changed");
            } else {
                compare(at + ".*", valuesBefore, valuesAfter, problems);
            }
        }
    }

    private static String where(String at) {
        return at.isEmpty() ? "the value" : at;
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> out = new HashSet<>();
        if (array != null) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }
}
