package dev.elephant.app.queries;

import dev.elephant.topology.ElephantTopology;
import dev.elephant.topology.failover.FailoverState;
import dev.elephant.topology.instances.InstanceState;
import dev.elephant.topology.meetings.MeetingState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Reads the materialized tables through Interactive Queries v2: a key query on the one partition that
 * holds the key, answered by this instance when it is that partition's active owner. When another
 * instance owns it, {@link OwnedElsewhere} names that instance's HTTP endpoint ({@code application.server}).
 */
public final class StateQueries {

    private final KafkaStreams streams;
    private final HostInfo self;

    /** @param self this instance's {@code application.server}, as the other instances see it */
    public StateQueries(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
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
        requireRunning();
        KeyQueryMetadata where = streams.queryMetadataForKey(store, key, Serdes.String().serializer());
        if (where == null || where.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw new StoreUnavailable(store + " has no owner for the key right now");
        }
        if (!where.activeHost().equals(self)) {
            throw new OwnedElsewhere(where.activeHost(), store + " partition " + where.partition() + " is served by "
                    + where.activeHost().host() + ":" + where.activeHost().port());
        }
        StateQueryRequest<V> request = StateQueryRequest.inStore(store)
                .withQuery(KeyQuery.<String, V>withKey(key))
                .withPartitions(Set.of(where.partition()))
                .requireActive();
        StateQueryResult<V> result = streams.query(request);
        QueryResult<V> answer = result.getPartitionResults().get(where.partition());
        if (answer == null) {
            throw new StoreUnavailable(store + " partition " + where.partition() + " gave no answer");
        }
        if (answer.isFailure()) {
            throw new StoreUnavailable(store + " partition " + where.partition() + ": " + answer.getFailureReason()
                    + (answer.getFailureMessage() == null ? "" : " (" + answer.getFailureMessage() + ")"));
        }
        return answer.getResult();
    }

    /** Whether this instance is the active owner of the key's partition of instance-state. */
    public boolean ownsInstance(String id) throws StoreUnavailable {
        requireRunning();
        KeyQueryMetadata where = streams.queryMetadataForKey(ElephantTopology.INSTANCE_STATE_STORE, id,
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
        requireRunning();
        RangeQuery<String, V> range = afterKey == null ? RangeQuery.withNoBounds() : RangeQuery.withLowerBound(afterKey);
        StateQueryRequest<KeyValueIterator<String, V>> request = StateQueryRequest.inStore(store).withQuery(range)
                .requireActive();
        StateQueryResult<KeyValueIterator<String, V>> result = streams.query(request);
        List<org.apache.kafka.streams.KeyValue<String, V>> page = new ArrayList<>();
        for (QueryResult<KeyValueIterator<String, V>> partition : result.getPartitionResults().values()) {
            if (partition.isFailure()) {
                continue; // held here only as a standby, or moving: its active owner answers for it
            }
            int taken = 0;
            try (KeyValueIterator<String, V> it = partition.getResult()) {
                // Each partition is in key order; the first `limit` past the cursor of each are enough to merge.
                while (it.hasNext() && taken < limit) {
                    var kv = it.next();
                    if (kv.value != null && which.test(kv.value) && (afterKey == null || kv.key.compareTo(afterKey) > 0)) {
                        page.add(kv);
                        taken++;
                    }
                }
            }
        }
        page.sort(java.util.Comparator.comparing(kv -> kv.key));
        List<V> out = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, page.size()); i++) {
            out.add(page.get(i).value);
        }
        return out;
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
        requireRunning();
        return streams.streamsMetadataForStore(store).stream().map(m -> m.hostInfo()).distinct().toList();
    }

    /** Queries are answered only while Kafka Streams runs: before, and during a rebalance, the stores move. */
    private void requireRunning() throws StoreUnavailable {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new StoreUnavailable("Kafka Streams is " + streams.state());
        }
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
