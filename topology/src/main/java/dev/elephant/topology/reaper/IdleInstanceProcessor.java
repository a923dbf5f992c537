package dev.elephant.topology.reaper;

import dev.elephant.events.MachineCommand;
import dev.elephant.topology.common.ClientTokens;
import dev.elephant.topology.common.DueIndex;
import dev.elephant.topology.common.MachinePolicy;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
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
    private final DueIndex due = new DueIndex();

    IdleInstanceProcessor(String storeName, MachinePolicy policy) {
        this.storeName = storeName;
        this.policy = policy;
    }

    @Override
    public void init(ProcessorContext<String, MachineCommand> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        due.reset(); // the store may have been restored to another state than the one last indexed
    }

    @Override
    public void process(Record<String, IdleInput> record) {
        IdleInput input = record.value();
        if (input.tick() == null) {
            IdleInstance current = store.get(record.key());
            if (input.idle() == null) {
                if (current != null) {
                    write(record.key(), null);
                }
            } else if (current == null) {
                write(record.key(), input.idle());
            } else if (current.keep() != input.idle().keep()) {
                // Still running since it first was: a repeated "running" (a sweep's) must not restart its time.
                write(record.key(), new IdleInstance(current.instanceId(), current.since(),
                        input.idle().keep(), current.askedAt()));
            }
            return;
        }
        if (!due.isBuilt()) {
            due.build(store, this::dueOf);
        }
        Instant now = input.tick().time();
        // Only the instances due by now, the longest due first, as many as a tick may reap: the others are not read.
        for (String id : due.dueBy(now, policy.reapMaxPerTick())) {
            IdleInstance i = store.get(id);
            if (i == null) {
                continue; // cannot be: every delete takes the row out of the index too
            }
            write(id, i.asked(now));
            MachineCommand terminate = MachineCommand.terminate(ClientTokens.forTermination(id, MachineCommand.NO_MEETING, now), null,
                    List.of(id), MachineCommand.NO_MEETING, null, now);
            context.forward(record.withKey(id).withValue(terminate));
        }
    }

    /** Every write of the table goes through here, so the due index moves with it. */
    private void write(String id, IdleInstance next) {
        if (next == null) {
            store.delete(id);
        } else {
            store.put(id, next);
        }
        due.set(id, dueOf(next));
    }

    /** When the instance is to be reaped, or asked for again; null: never (tagged to be kept). */
    private Instant dueOf(IdleInstance i) {
        if (i == null || i.keep()) {
            return null;
        }
        return i.askedAt() != null ? i.askedAt().plus(policy.retryMax()) : i.since().plus(policy.reapAfter());
    }
}
