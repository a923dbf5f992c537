package dev.elephant.topology.reaper;

import dev.elephant.events.Tick;
import dev.elephant.topology.common.StoredSerde;
import dev.elephant.topology.common.ValueReader;
import dev.elephant.topology.common.ValueWriter;

/**
 * What the {@code idle-instances} repartition topic carries, in the stores' binary form. The row inside is written
 * with its own form's version, so that the row's form and this one can each move on by itself.
 */
final class IdleInputForm implements StoredSerde.Codec<IdleInput> {

    static final StoredSerde<IdleInput> SERDE = StoredSerde.of(IdleInput.class, new IdleInputForm());

    private final IdleInstanceForm idle = new IdleInstanceForm();

    @Override
    public int version() {
        return 1;
    }

    @Override
    public void write(IdleInput input, ValueWriter out) {
        out.writeString(input.instanceId());
        out.writeBoolean(input.idle() != null);
        if (input.idle() != null) {
            out.writeByte(idle.version());
            idle.write(input.idle(), out);
        }
        out.writeBoolean(input.tick() != null);
        if (input.tick() != null) {
            out.writeInt(input.tick().schemaVersion());
            out.writeInstant(input.tick().time());
        }
    }

    @Override
    public IdleInput read(ValueReader in, int version) {
        String instanceId = in.readString();
        IdleInstance i = in.readBoolean() ? idle.read(in, in.readVersion(idle.version())) : null;
        Tick tick = in.readBoolean() ? new Tick(in.readInt(), in.readInstant()) : null;
        return new IdleInput(instanceId, i, tick);
    }
}
