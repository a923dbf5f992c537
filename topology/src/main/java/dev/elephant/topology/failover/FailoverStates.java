package dev.elephant.topology.failover;

import dev.elephant.events.DesiredRecord;
import dev.elephant.events.FailoverCheck;
import dev.elephant.events.FailoverName;
import dev.elephant.events.JsonSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/** The failover-state table's place in the topology: declarations and check results in, desired records out. */
public final class FailoverStates {

    public static final String STORE = "failover-state";

    private FailoverStates() {}

    /**
     * @param declarations {@code failover-names}, tombstones as null values
     * @param checks       {@code failover-checks}
     */
    public static KStream<String, DesiredRecord> attach(StreamsBuilder builder, String domain,
                                                        KStream<String, FailoverName> declarations,
                                                        KStream<String, FailoverCheck> checks) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), JsonSerde.of(FailoverState.class)).withCachingEnabled());
        KStream<String, FailoverInput> inputs = declarations
                .mapValues(FailoverInput::of, Named.as("failover-declaration-input"))
                .merge(checks.filter((name, c) -> c != null, Named.as("failover-checks-filter"))
                        .mapValues(FailoverInput::of, Named.as("failover-check-input")), Named.as("failover-inputs"));
        return inputs.process(() -> new FailoverProcessor(STORE, domain), Named.as("failover-processor"), STORE);
    }
}
