package dev.elephant.topology.meetings;

import dev.elephant.events.MachineCommand;
import dev.elephant.events.MeetingReady;
import dev.elephant.events.UtcInstants;
import dev.elephant.topology.common.MachinePolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps the meeting-state table and forwards what is to be published on meeting-ready. */
final class MeetingStateProcessor implements Processor<String, MeetingInput, String, MeetingOutput> {

    private final MeetingRules rules;
    private final MachinePolicy machines;
    /** How often (in stream time) the table is searched for meetings to forget. */
    static final Duration FORGET_EVERY = Duration.ofHours(1);

    private final String storeName;
    private final Duration retention;
    private ProcessorContext<String, MeetingOutput> context;
    private KeyValueStore<String, MeetingState> store;

    MeetingStateProcessor(String storeName, Duration retention, MachinePolicy machines) {
        this.storeName = storeName;
        this.retention = retention;
        this.machines = machines;
        this.rules = new MeetingRules(machines);
    }

    @Override
    public void init(ProcessorContext<String, MeetingOutput> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        // Stream time, not the wall clock: a replay forgets exactly what the first run forgot.
        context.schedule(FORGET_EVERY, PunctuationType.STREAM_TIME, this::forgetEndedMeetings);
    }

    /**
     * An ended or cancelled meeting is final, and is kept only so that late events cannot reopen it;
     * once its end is {@code retention} behind stream time, no such event is to be expected and it is
     * forgotten (its meeting-ready tombstone went out when it ended). A meeting that never ends stays.
     */
    private void forgetEndedMeetings(long streamTime) {
        Instant horizon = Instant.ofEpochMilli(streamTime).minus(retention);
        List<String> forget = new ArrayList<>();
        try (KeyValueIterator<String, MeetingState> all = store.all()) {
            while (all.hasNext()) {
                var entry = all.next();
                MeetingState s = entry.value;
                Instant last = latest(s.endsAt(), s.scheduledTime());
                if (s.isOver() && last != null && last.isBefore(horizon)) {
                    forget.add(entry.key);
                }
            }
        }
        forget.forEach(store::delete);
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    @Override
    public void process(Record<String, MeetingInput> record) {
        if (record.value().tick() != null) {
            onTick(record);
            return;
        }
        MeetingState current = store.get(record.key());
        emit(record, current, rules.apply(record.key(), current, record.value()));
    }

    /**
     * The time moved on: every meeting of this partition is looked at (launches due, terminations to ask again,
     * leftovers to reap), at most {@code reapMaxPerTick} reaps among them.
     */
    private void onTick(Record<String, MeetingInput> tick) {
        List<KeyValue<String, MeetingState>> meetings = new ArrayList<>();
        try (KeyValueIterator<String, MeetingState> all = store.all()) {
            all.forEachRemaining(meetings::add);
        }
        int reapsLeft = machines.reapMaxPerTick();
        for (KeyValue<String, MeetingState> m : meetings) {
            MeetingRules.Step step = rules.apply(m.key, m.value, tick.value(), reapsLeft);
            reapsLeft -= step.reaps();
            emit(tick.withKey(m.key), m.value, step);
        }
    }

    private void emit(Record<String, ?> record, MeetingState current, MeetingRules.Step step) {
        MeetingState next = step.state();
        if (step.publication() != null) {
            // When it became ready (or stopped being), in event time: the record's, as the published one carries it.
            next = next.withReadyAt(step.publication().ready() == null ? null : Instant.ofEpochMilli(record.timestamp()));
        }
        if (!Objects.equals(next, current)) {
            store.put(record.key(), next);
        }
        for (MachineCommand command : step.commands()) {
            context.forward(record.withValue(MeetingOutput.of(command)).withHeaders(new RecordHeaders()));
        }
        if (step.publication() != null) {
            Headers headers = new RecordHeaders();
            if (step.state().scheduledTime() != null) {
                // Where "scheduled to ready" starts; the record's timestamp (the confirming outcome's) is its end.
                headers.add(MeetingReady.SCHEDULED_TIME_HEADER,
                        UtcInstants.format(step.state().scheduledTime()).getBytes(StandardCharsets.UTF_8));
            }
            context.forward(record.withValue(MeetingOutput.publication(step.publication().ready())).withHeaders(headers));
        }
    }
}
