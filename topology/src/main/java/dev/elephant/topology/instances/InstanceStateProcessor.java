package dev.elephant.topology.instances;

import dev.elephant.events.DesiredRecord;
import dev.elephant.events.UtcInstants;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps the instance-state table and forwards each change it made, keyed by instance id. */
final class InstanceStateProcessor implements Processor<String, InstanceInput, String, InstanceChange> {

    private final InstanceLifecycle lifecycle;
    private final String storeName;
    private ProcessorContext<String, InstanceChange> context;
    private KeyValueStore<String, InstanceState> store;

    InstanceStateProcessor(InstanceLifecycle lifecycle, String storeName) {
        this.lifecycle = lifecycle;
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<String, InstanceChange> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, InstanceInput> record) {
        InstanceInput input = record.value();
        InstanceState current = store.get(record.key());
        Optional<InstanceState> next = input.event() != null
                ? lifecycle.apply(current, input.event())
                : lifecycle.confirm(current, input.outcome());
        next.ifPresent(state -> {
            store.put(record.key(), state);
            Headers headers = new RecordHeaders()
                    .add(DesiredRecord.CAUSE_HEADER, state.causeId().getBytes(StandardCharsets.UTF_8))
                    .add(DesiredRecord.EVENT_TIME_HEADER, UtcInstants.format(state.stateTime()).getBytes(StandardCharsets.UTF_8));
            context.forward(record.withValue(new InstanceChange(current, state)).withHeaders(headers));
        });
    }
}
