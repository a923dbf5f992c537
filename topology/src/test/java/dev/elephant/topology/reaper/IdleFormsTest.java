package dev.elephant.topology.reaper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.events.Json;
import dev.elephant.events.Tick;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdleFormsTest {

    private static final IdleInstance IDLE = new IdleInstance("i-0123456789abcdef0",
            Instant.parse("2026-11-24T00:00:00Z"), false, Instant.parse("2026-11-24T00:15:00.25Z"));

    @Test
    void anIdleInstanceAndItsWayToTheTableReadBackUnchanged() {
        byte[] row = IdleInstanceForm.SERDE.serializer().serialize("idle-instances", IDLE);
        assertThat(IdleInstanceForm.SERDE.deserializer().deserialize("idle-instances", row)).isEqualTo(IDLE);
        for (IdleInput input : List.of(IdleInput.of("i-0123456789abcdef0", IDLE), IdleInput.of("i-0123456789abcdef0",
                null), IdleInput.of(Tick.at(Instant.parse("2026-11-24T00:16:00Z"))))) {
            byte[] bytes = IdleInstances.inputSerde().serializer().serialize("idle-instances-repartition", input);
            assertThat(IdleInstances.inputSerde().deserializer().deserialize("idle-instances-repartition", bytes))
                    .isEqualTo(input);
        }
    }

    @Test
    void idleRowsAndInputsWrittenAsJsonByAnEarlierElephantAreStillRead() {
        assertThat(IdleInstanceForm.SERDE.deserializer().deserialize("idle-instances", Json.toBytes(IDLE)))
                .isEqualTo(IDLE);
        IdleInput input = IdleInput.of("i-0123456789abcdef0", IDLE);
        assertThat(IdleInstances.inputSerde().deserializer().deserialize("idle-instances-repartition",
                Json.toBytes(input))).isEqualTo(input);
    }
}
