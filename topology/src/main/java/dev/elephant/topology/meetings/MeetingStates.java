package dev.elephant.topology.meetings;

import dev.elephant.events.JsonSerde;
import dev.elephant.events.MeetingReady;
import dev.elephant.topology.ElephantTopology;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/** The meeting-state table's place in the topology. */
public final class MeetingStates {

    private MeetingStates() {}

    public static KStream<String, MeetingReady> attach(StreamsBuilder builder, java.time.Duration retention,
                                                       KStream<String, MeetingInput> inputs) {
        String store = ElephantTopology.MEETING_STATE_STORE;
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store),
                Serdes.String(), JsonSerde.of(MeetingState.class))
                // Puts of the same key within a commit interval reach RocksDB and the changelog once.
                .withCachingEnabled());
        return inputs.process(() -> new MeetingStateProcessor(store, retention), Named.as("meeting-state-processor"), store);
    }
}
