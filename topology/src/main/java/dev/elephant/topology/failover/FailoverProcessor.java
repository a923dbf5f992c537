package dev.elephant.topology.failover;

import dev.elephant.events.DesiredRecord;
import dev.elephant.events.UtcInstants;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the failover-state table and forwards the record each name must have, keyed by its FQDN, whenever where it
 * points (or its TTL) changed; a tombstone when the name was removed. The record names as its cause the check result
 * (or declaration) that moved it, so {@code elephant audit NAME} leads from the flip to the checks.
 */
final class FailoverProcessor implements Processor<String, FailoverInput, String, DesiredRecord> {

    private final String storeName;
    private final String domain;
    private ProcessorContext<String, DesiredRecord> context;
    private KeyValueStore<String, FailoverState> store;

    FailoverProcessor(String storeName, String domain) {
        this.storeName = storeName;
        this.domain = domain;
    }

    @Override
    public void init(ProcessorContext<String, DesiredRecord> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, FailoverInput> record) {
        String name = record.key();
        if (name == null) {
            return;
        }
        FailoverState before = store.get(name);
        FailoverState after;
        FailoverInput input = record.value();
        if (input instanceof FailoverInput.Removed) {
            if (before != null) {
                store.delete(name);
                Header cause = record.headers().lastHeader(DesiredRecord.CAUSE_HEADER);
                Headers headers = new RecordHeaders();
                if (cause != null) {
                    headers.add(DesiredRecord.CAUSE_HEADER, cause.value());
                }
                context.forward(new Record<String, DesiredRecord>(before.declaration().recordName(domain), null,
                        record.timestamp(), headers));
            }
            return;
        } else if (input instanceof FailoverInput.Declared d) {
            if (!name.equals(d.declaration().name())) {
                return; // the ingest keys a declaration by its name; another writer's mistake moves nothing
            }
            after = FailoverRules.declared(before, d.declaration());
        } else {
            after = FailoverRules.checked(before, ((FailoverInput.Checked) input).check());
        }
        if (after == null) {
            return;
        }
        store.put(name, after);
        boolean changed = before == null || !Objects.equals(before.content(), after.content())
                || before.declaration().ttl() != after.declaration().ttl();
        if (after.content() == null || !changed) {
            return;
        }
        String fqdn = after.declaration().recordName(domain);
        DesiredRecord desired = new DesiredRecord(DesiredRecord.SCHEMA_VERSION, fqdn, "A", after.content(),
                after.declaration().ttl(), null, after.causeId());
        Headers headers = new RecordHeaders()
                .add(DesiredRecord.CAUSE_HEADER, after.causeId().getBytes(StandardCharsets.UTF_8))
                .add(DesiredRecord.EVENT_TIME_HEADER, UtcInstants.format(after.since()).getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(fqdn, desired, record.timestamp(), headers));
    }
}
