package dev.elephant.topology.instances;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elephant.events.InstanceEvent;
import dev.elephant.events.Json;
import dev.elephant.topology.common.RecordStatus;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A value on a topic or in a store is its record's components and nothing else: a derived flag
 * written beside them ({@code isEcs()}, {@code isFinal()}) is no part of the wire format and sends
 * every reader down Jackson's slow path for an unknown property.
 */
class ValueShapeTest {

    private static List<String> components(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(c -> c.getName()).toList();
    }

    private static List<String> fields(Object value) {
        JsonNode node = Json.mapper().valueToTree(value);
        return iterable(node.fieldNames());
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void anInstanceEventIsWrittenAsItsComponentsOnly() {
        InstanceEvent e = new InstanceEvent(1, "e-1", "e-1", InstanceEvent.SOURCE_ECS, "0123456789abcdef0123456789abcdef",
                "RUNNING", Instant.parse("2026-11-24T00:00:00Z"), "198.51.100.1", "10.0.0.1", Map.of("Project", "Elephant"),
                true, 3L, "RUNNING", false);
        assertThat(e.isEcs()).isTrue();
        assertThat(fields(e)).isSubsetOf(components(InstanceEvent.class)).doesNotContain("ecs");
        assertThat(Json.fromBytes(Json.toBytes(e), InstanceEvent.class)).isEqualTo(e);
    }

    @Test
    void anInstanceStateIsWrittenAsItsComponentsOnly() {
        InstanceState s = new InstanceState(InstanceState.SCHEMA_VERSION, "i-0123456789abcdef0", InstanceEvent.SOURCE_EC2,
                "terminated", null, null, Instant.parse("2026-11-24T00:00:00Z"), null, "10.0.0.1", Map.of(), "e-9",
                "e-9", "i-0123456789abcdef0.elephant.test", null, RecordStatus.NONE);
        assertThat(s.isFinal()).isTrue();
        assertThat(fields(s)).isSubsetOf(components(InstanceState.class)).doesNotContain("ecs", "final");
        assertThat(Json.fromBytes(Json.toBytes(s), InstanceState.class)).isEqualTo(s);
    }
}
