package dev.elephant.topology.meetings;

import dev.elephant.events.MachineCommand;
import dev.elephant.events.MeetingReady;
import dev.elephant.events.UtcInstants;
import dev.elephant.topology.common.DueIndex;
import dev.elephant.topology.common.MachinePolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
    private final DueIndex due = new DueIndex();

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
        due.reset(); // the store may have been restored to another state than the one last indexed
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
        forget.forEach(id -> {
            store.delete(id);
            due.set(id, null);
        });
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
     * The time moved on: the meetings of this partition with something due by the tick's time are looked at
     * (launches due, terminations to ask again, leftovers to reap), the earliest due first, at most {@code
     * reapMaxPerTick} reaps among them. The others are not read: nothing is due for them yet.
     */
    private void onTick(Record<String, MeetingInput> tick) {
        if (!due.isBuilt()) {
            due.build(store, rules::nextDue);
        }
        int reapsLeft = machines.reapMaxPerTick();
        for (String id : due.dueBy(tick.value().tick().time())) {
            MeetingState current = store.get(id);
            if (current == null) {
                continue; // cannot be: every delete takes the row out of the index too
            }
            MeetingRules.Step step = rules.apply(id, current, tick.value(), reapsLeft);
            reapsLeft -= step.reaps();
            MeetingState next = emit(tick.withKey(id), current, step);
            // A launch whose window this tick saw close is due at no later tick.
            due.set(id, rules.nextDue(next, tick.value().tick().time()));
        }
    }

    /** Writes what the step decided; returns the meeting as it is now. */
    private MeetingState emit(Record<String, ?> record, MeetingState current, MeetingRules.Step step) {
        MeetingState next = step.state();
        if (step.publication() != null) {
            // When it became ready (or stopped being), in event time: the record's, as the published one carries it.
            next = next.withReadyAt(step.publication().ready() == null ? null : Instant.ofEpochMilli(record.timestamp()));
        }
        if (!Objects.equals(next, current)) {
            store.put(record.key(), next);
            due.set(record.key(), rules.nextDue(next));
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
        return next;
    }
}
