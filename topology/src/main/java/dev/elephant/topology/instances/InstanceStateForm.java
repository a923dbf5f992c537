package dev.elephant.topology.instances;

import dev.elephant.topology.common.RecordStatus;
import dev.elephant.topology.common.StoredSerde;
import dev.elephant.topology.common.ValueReader;
import dev.elephant.topology.common.ValueWriter;

/** The instance-state table's row in the stores' binary form: the record's components, in their order. */
final class InstanceStateForm implements StoredSerde.Codec<InstanceState> {

    static final StoredSerde<InstanceState> SERDE = StoredSerde.of(InstanceState.class, new InstanceStateForm());

    @Override
    public int version() {
        return 1;
    }

    @Override
    public void write(InstanceState s, ValueWriter out) {
        out.writeInt(s.schemaVersion());
        out.writeString(s.instanceId());
        out.writeString(s.source());
        out.writeString(s.state());
        out.writeNullableLong(s.version());
        out.writeString(s.desiredStatus());
        out.writeInstant(s.stateTime());
        out.writeString(s.publicIp());
        out.writeString(s.privateIp());
        out.writeStringMap(s.tags());
        out.writeString(s.lastEventId());
        out.writeString(s.causeId());
        out.writeString(s.recordName());
        out.writeString(s.recordContent());
        out.writeEnum(s.recordStatus());
    }

    @Override
    public InstanceState read(ValueReader in, int version) {
        return new InstanceState(in.readInt(), in.readString(), in.readString(), in.readString(), in.readNullableLong(),
                in.readString(), in.readInstant(), in.readString(), in.readString(), in.readStringMap(),
                in.readString(), in.readString(), in.readString(), in.readString(), in.readEnum(RecordStatus.class));
    }
}
