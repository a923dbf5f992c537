package dev.elephant.app.queries;

import dev.elephant.topology.ElephantTopology;
import dev.elephant.topology.failover.FailoverState;
import dev.elephant.topology.instances.InstanceState;
import dev.elephant.topology.meetings.MeetingState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads the materialized tables through Kafka Streams' interactive queries: a key on the one partition that holds
 * it, answered by this instance when it is that partition's active owner. When another instance owns it,
 * {@link OwnedElsewhere} names that instance's HTTP endpoint ({@code application.server}).
 *
 * <p>The stores are read through {@link KafkaStreams#store}, not {@link KafkaStreams#query} (Interactive Queries
 * v2): a v2 query on a RocksDB store takes the store's position lock and then the store's own lock, while a stream
 * thread flushing its cache into the store takes them the other way round (KAFKA-19629; still so in Kafka 4.4.0), and
 * one unlucky query stopped the topology for good and every query after it. A store read here holds one of those
 * locks at a time, never the position's.
 */
public final class StateQueries {

    private final Supplier<KafkaStreams> client;
    private final HostInfo self;

    /**
     * @param client the Kafka Streams client running now (a replay that has caught up runs on with a new one)
     * @param self   this instance's {@code application.server}, as the other instances see it
     */
    public StateQueries(Supplier<KafkaStreams> client, HostInfo self) {
        this.client = client;
        this.self = self;
    }

    /**
     * @throws OwnedElsewhere   when another instance is the key's active owner
     * @throws StoreUnavailable while the store is being restored or rebalanced
     */
    public Optional<InstanceState> instance(String id) throws StoreUnavailable {
        return Optional.ofNullable(this.<InstanceState>get(ElephantTopology.INSTANCE_STATE_STORE, id));
    }

    public Optional<MeetingState> meeting(String id) throws StoreUnavailable {
        return Optional.ofNullable(this.<MeetingState>get(ElephantTopology.MEETING_STATE_STORE, id));
    }

    /** A failover name's state, by its label. */
    public Optional<FailoverState> failover(String name) throws StoreUnavailable {
        return Optional.ofNullable(this.<FailoverState>get(ElephantTopology.FAILOVER_STATE_STORE, name));
    }

    private <V> V get(String store, String key) throws StoreUnavailable {
        KafkaStreams streams = running();
        KeyQueryMetadata where = streams.queryMetadataForKey(store, key, Serdes.String().serializer());
        if (where == null || where.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw new StoreUnavailable(store + " has no owner for the key right now");
        }
        if (!where.activeHost().equals(self)) {
            throw new OwnedElsewhere(where.activeHost(), store + " partition " + where.partition() + " is served by "
                    + where.activeHost().host() + ":" + where.activeHost().port());
        }
        try {
            return StateQueries.<V>partition(streams, store, where.partition()).get(key);
        } catch (InvalidStateStoreException e) {
            throw new StoreUnavailable(store + " partition " + where.partition() + ": " + e.getMessage());
        }
    }

    /** The active copy of one partition of {@code store} on this instance; it throws on use when there is none. */
    private static <V> ReadOnlyKeyValueStore<String, V> partition(KafkaStreams streams, String store, int partition) {
        return streams.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<String, V>keyValueStore())
                .withPartition(partition));
    }

    /** Whether this instance is the active owner of the key's partition of instance-state. */
    public boolean ownsInstance(String id) throws StoreUnavailable {
        KeyQueryMetadata where = running().queryMetadataForKey(ElephantTopology.INSTANCE_STATE_STORE, id,
                Serdes.String().serializer());
        if (where == null || where.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw new StoreUnavailable("instance-state has no owner for the key right now");
        }
        return where.activeHost().equals(self);
    }

    /** Every instance of the partitions of instance-state this instance is the active owner of. */
    public List<InstanceState> localInstances() throws StoreUnavailable {
        return localRange(ElephantTopology.INSTANCE_STATE_STORE, null, Integer.MAX_VALUE, st -> true);
    }

    /**
     * The instances with a record wanted now, of the partitions of instance-state this instance actively owns, in
     * the order of their ids (so of their record names), after {@code afterId} (null: from the first), at most
     * {@code limit}.
     */
    public List<InstanceState> localRecords(String afterId, int limit) throws StoreUnavailable {
        return localInstances(afterId, limit, st -> st.recordContent() != null);
    }

    /**
     * The instances of the partitions of instance-state this instance actively owns that {@code which} takes, in the
     * order of their ids, after {@code afterId} (null: from the first), at most {@code limit}.
     */
    public List<InstanceState> localInstances(String afterId, int limit, java.util.function.Predicate<InstanceState> which)
            throws StoreUnavailable {
        return localRange(ElephantTopology.INSTANCE_STATE_STORE, afterId, limit, which);
    }

    /** The meetings of the partitions of meeting-state this instance actively owns, as {@link #localInstances}. */
    public List<MeetingState> localMeetings(String afterId, int limit) throws StoreUnavailable {
        return localRange(ElephantTopology.MEETING_STATE_STORE, afterId, limit, m -> true);
    }

    /** The failover names of the partitions of failover-state this instance actively owns, as {@link #localInstances}. */
    public List<FailoverState> localFailover(String afterName, int limit) throws StoreUnavailable {
        return localRange(ElephantTopology.FAILOVER_STATE_STORE, afterName, limit, f -> true);
    }

    /**
     * The values of the partitions of {@code store} this instance actively owns that {@code which} takes, in key
     * order, with keys after {@code afterKey} (null: from the first), at most {@code limit}.
     */
    private <V> List<V> localRange(String store, String afterKey, int limit, java.util.function.Predicate<V> which)
            throws StoreUnavailable {
        KafkaStreams streams = running();
        List<org.apache.kafka.streams.KeyValue<String, V>> page = new ArrayList<>();
        for (int p : activePartitions(streams)) {
            int taken = 0;
            // Each partition is in key order; the first `limit` past the cursor of each are enough to merge.
            try (KeyValueIterator<String, V> it = StateQueries.<V>partition(streams, store, p)
                    .range(afterKey, null)) {
                while (it.hasNext() && taken < limit) {
                    var kv = it.next();
                    if (kv.value != null && which.test(kv.value) && (afterKey == null || kv.key.compareTo(afterKey) > 0)) {
                        page.add(kv);
                        taken++;
                    }
                }
            } catch (InvalidStateStoreException e) {
                // not this store's partition here, or moving: its active owner answers for it
            }
        }
        page.sort(java.util.Comparator.comparing(kv -> kv.key));
        List<V> out = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, page.size()); i++) {
            out.add(page.get(i).value);
        }
        return out;
    }

    /**
     * The partitions of this instance's active tasks, of every part of the topology: those of a store's part are
     * among them (the topics of every part have the same partition count); the others answer that they are not here.
     */
    private static Set<Integer> activePartitions(KafkaStreams streams) {
        Set<Integer> partitions = new TreeSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                partitions.add(task.taskId().partition());
            }
        }
        return partitions;
    }

    /** Every instance of the application that holds part of instance-state, this one included. */
    public List<HostInfo> instanceStateHosts() throws StoreUnavailable {
        return hostsOf(ElephantTopology.INSTANCE_STATE_STORE);
    }

    /** Every instance of the application that holds part of meeting-state, this one included. */
    public List<HostInfo> meetingStateHosts() throws StoreUnavailable {
        return hostsOf(ElephantTopology.MEETING_STATE_STORE);
    }

    /** Every instance of the application that holds part of failover-state, this one included. */
    public List<HostInfo> failoverStateHosts() throws StoreUnavailable {
        return hostsOf(ElephantTopology.FAILOVER_STATE_STORE);
    }

    private List<HostInfo> hostsOf(String store) throws StoreUnavailable {
        return running().streamsMetadataForStore(store).stream().map(m -> m.hostInfo()).distinct().toList();
    }

    /**
     * The client running now: queries are answered only while Kafka Streams runs (before, and during a rebalance,
     * the stores move).
     */
    private KafkaStreams running() throws StoreUnavailable {
        KafkaStreams streams = client.get();
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING) {
            throw new StoreUnavailable("Kafka Streams is " + state);
        }
        return streams;
    }

    public HostInfo self() {
        return self;
    }

    public static class StoreUnavailable extends Exception {
        public StoreUnavailable(String message) {
            super(message);
        }
    }

    /** The key lives on another instance: ask it there. */
    public static final class OwnedElsewhere extends StoreUnavailable {
        private final transient HostInfo owner;

        OwnedElsewhere(HostInfo owner, String message) {
            super(message);
            this.owner = owner;
        }

        public HostInfo owner() {
            return owner;
        }
    }
}
