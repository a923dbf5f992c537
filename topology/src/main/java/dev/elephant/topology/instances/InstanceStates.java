package dev.elephant.topology.instances;

import dev.elephant.events.DnsMutation;
import dev.elephant.events.InstanceEvent;
import dev.elephant.events.JsonSerde;
import dev.elephant.topology.ElephantTopology;
import dev.elephant.topology.TopologyConfig;
import dev.elephant.topology.meetings.InstanceSlot;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/** The instance-state table's place in the topology. */
public final class InstanceStates {

    private InstanceStates() {}

    public static KStream<String, InstanceChange> attach(StreamsBuilder builder, TopologyConfig config,
                                                         KStream<String, InstanceEvent> events,
                                                         KStream<String, DnsMutation> outcomes) {
        String store = ElephantTopology.INSTANCE_STATE_STORE;
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store),
                Serdes.String(), JsonSerde.of(InstanceState.class))
                // Puts of the same key within a commit interval reach RocksDB and the changelog once.
                .withCachingEnabled());
        InstanceLifecycle lifecycle = new InstanceLifecycle(config);
        return events.mapValues(InstanceInput::of, Named.as("instance-event-input"))
                .merge(outcomes.mapValues(InstanceInput::of, Named.as("instance-outcome-input")), Named.as("instance-inputs"))
                .process(() -> new InstanceStateProcessor(lifecycle, store), Named.as("instance-state-processor"), store);
    }

    /** What the instance's meeting needs to know of it. */
    public static InstanceSlot slot(InstanceState s, TopologyConfig config) {
        return new InstanceSlot(s.instanceId(), s.role(config), s.state(), s.recordStatus(), s.recordName(),
                config.link(s.instanceId(), s.recordName()), s.causeId(), s.isFinal());
    }
}
