package dev.elephant.topology.reaper;

import dev.elephant.events.JsonSerde;
import dev.elephant.events.MachineCommand;
import dev.elephant.topology.common.MachinePolicy;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/** The idle-instances table's place in the topology: what the safety net reaps among instances without a meeting. */
public final class IdleInstances {

    public static final String STORE = "idle-instances";

    private IdleInstances() {}

    public static KStream<String, MachineCommand> attach(StreamsBuilder builder, MachinePolicy policy,
                                                         KStream<String, IdleInput> inputs) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), JsonSerde.of(IdleInstance.class)).withCachingEnabled());
        return inputs.process(() -> new IdleInstanceProcessor(STORE, policy), Named.as("idle-instance-processor"), STORE);
    }
}
