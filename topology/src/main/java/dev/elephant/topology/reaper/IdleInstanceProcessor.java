package dev.elephant.topology.reaper;

import dev.elephant.events.MachineCommand;
import dev.elephant.topology.common.ClientTokens;
import dev.elephant.topology.common.MachinePolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The safety net for instances without a meeting: keeps the idle-instances table and, at each tick, asks for the
 * termination of those idle for longer than {@code reapAfter} (never one tagged to be kept; at most {@code
 * reapMaxPerTick} per tick; again after {@code retryMax} if it still runs).
 */
final class IdleInstanceProcessor implements Processor<String, IdleInput, String, MachineCommand> {

    private final String storeName;
    private final MachinePolicy policy;
    private ProcessorContext<String, MachineCommand> context;
    private KeyValueStore<String, IdleInstance> store;

    IdleInstanceProcessor(String storeName, MachinePolicy policy) {
        this.storeName = storeName;
        this.policy = policy;
    }

    @Override
    public void init(ProcessorContext<String, MachineCommand> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, IdleInput> record) {
        IdleInput input = record.value();
        if (input.tick() == null) {
            IdleInstance current = store.get(record.key());
            if (input.idle() == null) {
                if (current != null) {
                    store.delete(record.key());
                }
            } else if (current == null) {
                store.put(record.key(), input.idle());
            } else if (current.keep() != input.idle().keep()) {
                // Still running since it first was: a repeated "running" (a sweep's) must not restart its time.
                store.put(record.key(), new IdleInstance(current.instanceId(), current.since(), input.idle().keep(),
                        current.askedAt()));
            }
            return;
        }
        Instant now = input.tick().time();
        List<KeyValue<String, IdleInstance>> idle = new ArrayList<>();
        try (KeyValueIterator<String, IdleInstance> all = store.all()) {
            all.forEachRemaining(idle::add);
        }
        int left = policy.reapMaxPerTick();
        for (KeyValue<String, IdleInstance> e : idle) {
            if (left == 0) {
                return;
            }
            IdleInstance i = e.value;
            Instant due = i.askedAt() != null ? i.askedAt().plus(policy.retryMax()) : i.since().plus(policy.reapAfter());
            if (i.keep() || now.isBefore(due)) {
                continue;
            }
            store.put(e.key, i.asked(now));
            MachineCommand terminate = MachineCommand.terminate(ClientTokens.forTermination(e.key, MachineCommand.NO_MEETING, now), null,
                    List.of(e.key), MachineCommand.NO_MEETING, null, now);
            context.forward(record.withKey(e.key).withValue(terminate));
            left--;
        }
    }
}
