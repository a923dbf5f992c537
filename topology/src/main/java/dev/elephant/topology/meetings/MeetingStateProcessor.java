package dev.elephant.topology.meetings;

import dev.elephant.events.MeetingReady;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps the meeting-state table and forwards what is to be published on meeting-ready. */
final class MeetingStateProcessor implements Processor<String, MeetingInput, String, MeetingReady> {

    private final MeetingRules rules = new MeetingRules();
    private final String storeName;
    private ProcessorContext<String, MeetingReady> context;
    private KeyValueStore<String, MeetingState> store;

    MeetingStateProcessor(String storeName) {
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<String, MeetingReady> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, MeetingInput> record) {
        MeetingState current = store.get(record.key());
        MeetingRules.Step step = rules.apply(record.key(), current, record.value());
        if (!Objects.equals(step.state(), current)) {
            store.put(record.key(), step.state());
        }
        if (step.publication() != null) {
            Headers headers = new RecordHeaders();
            if (step.state().scheduledTime() != null) {
                // Where "scheduled to ready" starts; the record's timestamp (the confirming outcome's) is its end.
                headers.add(MeetingReady.SCHEDULED_TIME_HEADER,
                        step.state().scheduledTime().toString().getBytes(StandardCharsets.UTF_8));
            }
            context.forward(record.withValue(step.publication().ready()).withHeaders(headers));
        }
    }
}
