package dev.elephant.topology.reaper;

import dev.elephant.topology.common.StoredSerde;
import dev.elephant.topology.common.ValueReader;
import dev.elephant.topology.common.ValueWriter;

/**
 * The idle-instances table's row, and the instance changes travelling to it on the {@code idle-instances}
 * repartition topic, in the stores' binary form.
 */
final class IdleInstanceForm implements StoredSerde.Codec<IdleInstance> {

    static final StoredSerde<IdleInstance> SERDE = StoredSerde.of(IdleInstance.class, new IdleInstanceForm());

    @Override
    public int version() {
        return 1;
    }

    @Override
    public void write(IdleInstance i, ValueWriter out) {
        out.writeString(i.instanceId());
        out.writeInstant(i.since());
        out.writeBoolean(i.keep());
        out.writeInstant(i.askedAt());
    }

    @Override
    public IdleInstance read(ValueReader in, int version) {
        return new IdleInstance(in.readString(), in.readInstant(), in.readBoolean(), in.readInstant());
    }
}
