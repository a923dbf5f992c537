package dev.elephant.topology.instances;

import dev.elephant.events.DesiredRecord;
import dev.elephant.events.UtcInstants;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the instance-state table and forwards each change it made, keyed by instance id. An instance whose
 * state is final (terminated, a stopped task) is forgotten once its end is {@code retention} behind stream
 * time; an event of an instance the table does not hold that is itself that old is dropped, so a late event
 * can never bring a forgotten instance back. The ends are kept in an index ordered by time
 * ({@code instance-expiry}: {@code <end, zero-padded millis>|<instance id>}), so forgetting reads only what
 * expired, however large the table. The index is derived and local (no changelog): the first search after a
 * start reads the whole table once and indexes it again, so a restored or moved task, or a table written
 * before the index existed, is covered.
 */
final class InstanceStateProcessor implements Processor<String, InstanceInput, String, InstanceChange> {

    /**
     * How often (in stream time) the index is searched for instances to forget: an instance is forgotten within
     * a day of its retention running out, and a replay racing through months of stream time searches once a
     * day of it.
     */
    static final Duration FORGET_EVERY = Duration.ofDays(1);

    private final InstanceLifecycle lifecycle;
    private final String storeName;
    private final String expiryStoreName;
    private final Duration retention;
    private ProcessorContext<String, InstanceChange> context;
    private KeyValueStore<String, InstanceState> store;
    private KeyValueStore<String, String> expiry;
    private boolean searchedWholeTable;

    InstanceStateProcessor(InstanceLifecycle lifecycle, String storeName, String expiryStoreName, Duration retention) {
        this.lifecycle = lifecycle;
        this.storeName = storeName;
        this.expiryStoreName = expiryStoreName;
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<String, InstanceChange> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.expiry = context.getStateStore(expiryStoreName);
        // Stream time, not the wall clock: a replay forgets exactly what the first run forgot.
        context.schedule(FORGET_EVERY, PunctuationType.STREAM_TIME, this::forgetEnded);
    }

    private void forgetEnded(long streamTime) {
        Instant horizon = Instant.ofEpochMilli(streamTime).minus(retention);
        if (!searchedWholeTable) {
            // The index is local (no changelog): after a restore or a move of this task it is rebuilt here, and
            // the search below then forgets what expired among them too.
            searchedWholeTable = true;
            try (KeyValueIterator<String, InstanceState> all = store.all()) {
                all.forEachRemaining(entry -> {
                    if (entry.value.isFinal()) {
                        expiry.put(expiryKey(entry.value.stateTime(), entry.key), entry.key);
                    }
                });
            }
        }
        List<KeyValue<String, String>> expired = new ArrayList<>();
        try (KeyValueIterator<String, String> ends = expiry.range(null, expiryKey(horizon, ""))) {
            ends.forEachRemaining(expired::add);
        }
        for (KeyValue<String, String> end : expired) {
            expiry.delete(end.key);
            InstanceState s = store.get(end.value);
            // Only if the table still holds that very end (a newer final state has an index entry of its own).
            if (s != null && s.isFinal() && end.key.equals(expiryKey(s.stateTime(), s.instanceId()))) {
                store.delete(end.value);
            }
        }
    }

    /**
     * Sorts by time as text: epoch millis zero-padded to 20 digits (event times before 1970 sort first). Made
     * for every instance that ends, so without {@code String.format}.
     */
    static String expiryKey(Instant end, String instanceId) {
        String millis = Long.toString(Math.max(0, end.toEpochMilli()));
        return "0".repeat(20 - millis.length()) + millis + "|" + instanceId;
    }

    @Override
    public void process(Record<String, InstanceInput> record) {
        InstanceState current = store.get(record.key());
        Optional<InstanceState> next;
        if (record.value() instanceof InstanceInput.Event e) {
            if (current == null && isBeyondRetention(e.event().time())) {
                return; // of an instance that may have been forgotten: it must not come back
            }
            next = lifecycle.apply(current, e.event());
        } else {
            next = lifecycle.confirm(current, ((InstanceInput.Outcome) record.value()).outcome());
        }
        next.ifPresent(state -> {
            store.put(record.key(), state);
            if (state.isFinal()) {
                if (current != null && current.isFinal()) {
                    expiry.delete(expiryKey(current.stateTime(), current.instanceId()));
                }
                expiry.put(expiryKey(state.stateTime(), state.instanceId()), state.instanceId());
            }
            Headers headers = new RecordHeaders()
                    .add(DesiredRecord.CAUSE_HEADER, state.causeId().getBytes(StandardCharsets.UTF_8))
                    .add(DesiredRecord.EVENT_TIME_HEADER, UtcInstants.format(state.stateTime()).getBytes(StandardCharsets.UTF_8));
            context.forward(record.withValue(new InstanceChange(current, state)).withHeaders(headers));
        });
    }

    private boolean isBeyondRetention(Instant eventTime) {
        long streamTime = context.currentStreamTimeMs();
        return streamTime > 0 && eventTime.isBefore(Instant.ofEpochMilli(streamTime).minus(retention));
    }
}
