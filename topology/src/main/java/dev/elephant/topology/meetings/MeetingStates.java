package dev.elephant.topology.meetings;

import dev.elephant.events.JsonSerde;
import dev.elephant.topology.common.MachinePolicy;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/** The meeting-state table's place in the topology. */
public final class MeetingStates {

    /** The meeting-state table's store. */
    public static final String STORE = "meeting-state";

    private MeetingStates() {}

    public static KStream<String, MeetingOutput> attach(StreamsBuilder builder, Duration retention,
                                                        MachinePolicy machines, KStream<String, MeetingInput> inputs) {
        String store = STORE;
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store),
                Serdes.String(), JsonSerde.of(MeetingState.class))
                // Puts of the same key within a commit interval reach RocksDB and the changelog once.
                .withCachingEnabled());
        return inputs.process(() -> new MeetingStateProcessor(store, retention, machines), Named.as("meeting-state-processor"), store);
    }
}
