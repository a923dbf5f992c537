package dev.elephant.topology.instances;

import dev.elephant.events.DnsMutation;
import dev.elephant.events.InstanceEvent;
import dev.elephant.topology.common.TopologyConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/** The instance-state table's place in the topology. */
public final class InstanceStates {

    /** The instance-state table's store. */
    public static final String STORE = "instance-state";
    /** When each ended instance ends, in the order of that time: what the retention forgets, found without a scan. */
    public static final String EXPIRY_STORE = "instance-expiry";

    private InstanceStates() {}

    public static KStream<String, InstanceChange> attach(StreamsBuilder builder, TopologyConfig config,
                                                         KStream<String, InstanceEvent> events,
                                                         KStream<String, DnsMutation> outcomes) {
        String store = STORE;
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store),
                Serdes.String(), InstanceStateForm.SERDE)
                // Puts of the same key within a commit interval reach RocksDB and the changelog once.
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EXPIRY_STORE),
                Serdes.String(), Serdes.String())
                // Derived from the table, which the first search after every start reads whole and re-indexes: no
                // changelog (it doubled the changelog writes of a fleet of short-lived instances).
                .withLoggingDisabled());
        InstanceLifecycle lifecycle = new InstanceLifecycle(config);
        return events.mapValues(InstanceInput::of, Named.as("instance-event-input"))
                .merge(outcomes.mapValues(InstanceInput::of, Named.as("instance-outcome-input")), Named.as("instance-inputs"))
                .process(() -> new InstanceStateProcessor(lifecycle, store, EXPIRY_STORE, config.instanceRetention()),
                        Named.as("instance-state-processor"), store, EXPIRY_STORE);
    }
}
