package dev.elephant.topology.instances;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.events.InstanceEvent;
import dev.elephant.events.Json;
import dev.elephant.topology.common.RecordStatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstanceStateFormTest {

    private static final InstanceState EC2 = new InstanceState(InstanceState.SCHEMA_VERSION, "i-0123456789abcdef0",
            InstanceEvent.SOURCE_EC2, "running", null, null, Instant.parse("2026-11-24T00:00:00.5Z"), "198.51.100.7",
            "10.0.0.7", Map.of("Project", "Elephant", "MeetingId", "m-1", "Role", "teacher"), "e-2", "e-2",
            "i-0123456789abcdef0.elephant.test", "198.51.100.7", RecordStatus.PENDING);
    private static final InstanceState ECS = new InstanceState(InstanceState.SCHEMA_VERSION,
            "0123456789abcdef0123456789abcdef", InstanceEvent.SOURCE_ECS, "STOPPED", 7L, "STOPPED",
            Instant.parse("2026-11-24T00:01:00Z"), null, null, Map.of(), "e-9", "e-8", "t.elephant.test", null,
            RecordStatus.NONE);

    @Test
    void anInstanceStateReadsBackFromTheStoresFormUnchanged() {
        for (InstanceState s : new InstanceState[] {EC2, ECS}) {
            byte[] stored = InstanceStateForm.SERDE.serializer().serialize("instance-state", s);
            assertThat(InstanceStateForm.SERDE.deserializer().deserialize("instance-state", stored)).isEqualTo(s);
            assertThat(stored.length).isLessThan(Json.toBytes(s).length);
        }
    }

    @Test
    void anInstanceStateStoredAsJsonByAnEarlierElephantIsStillRead() {
        // A changelog written before the binary form restores into the same rows.
        assertThat(InstanceStateForm.SERDE.deserializer().deserialize("instance-state", Json.toBytes(EC2))).isEqualTo(EC2);
        assertThat(InstanceStateForm.SERDE.deserializer().deserialize("instance-state", Json.toBytes(ECS))).isEqualTo(ECS);
    }
}
