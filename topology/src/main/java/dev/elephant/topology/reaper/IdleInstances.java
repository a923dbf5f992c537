package dev.elephant.topology.reaper;

import dev.elephant.events.MachineCommand;
import dev.elephant.topology.common.MachinePolicy;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/** The idle-instances table's place in the topology: what the safety net reaps among instances without a meeting. */
public final class IdleInstances {

    public static final String STORE = "idle-instances";

    private IdleInstances() {}

    /** The serde of the instance changes on their way to the table (the {@code idle-instances} repartition topic). */
    public static Serde<IdleInput> inputSerde() {
        return IdleInputForm.SERDE;
    }

    public static KStream<String, MachineCommand> attach(StreamsBuilder builder, MachinePolicy policy,
                                                         KStream<String, IdleInput> inputs) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), IdleInstanceForm.SERDE).withCachingEnabled());
        return inputs.process(() -> new IdleInstanceProcessor(STORE, policy), Named.as("idle-instance-processor"), STORE);
    }
}
