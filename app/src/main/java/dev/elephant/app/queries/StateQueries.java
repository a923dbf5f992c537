package dev.elephant.app.queries;

import dev.elephant.topology.ElephantTopology;
import dev.elephant.topology.instances.InstanceState;
import dev.elephant.topology.meetings.MeetingState;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Reads the materialized tables of this instance's Kafka Streams. */
public final class StateQueries {

    private final KafkaStreams streams;

    public StateQueries(KafkaStreams streams) {
        this.streams = streams;
    }

    /** @throws StoreUnavailable while the store is being restored or rebalanced */
    public Optional<InstanceState> instance(String id) throws StoreUnavailable {
        return Optional.ofNullable(this.<InstanceState>store(ElephantTopology.INSTANCE_STATE_STORE).get(id));
    }

    public Optional<MeetingState> meeting(String id) throws StoreUnavailable {
        return Optional.ofNullable(this.<MeetingState>store(ElephantTopology.MEETING_STATE_STORE).get(id));
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name) throws StoreUnavailable {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new StoreUnavailable("Kafka Streams is " + streams.state());
        }
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new StoreUnavailable(name + " is not queryable now: " + e.getMessage());
        }
    }

    public static final class StoreUnavailable extends Exception {
        public StoreUnavailable(String message) {
            super(message);
        }
    }
}
