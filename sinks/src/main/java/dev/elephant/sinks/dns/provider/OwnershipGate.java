package dev.elephant.sinks.dns.provider;

import java.util.List;
import java.util.Locale;

/**
 * The last check before a write leaves Elephant, as a decorator so every provider has it: whatever the planner
 * decided, a batch that would update or delete a record without this deployment's mark, or create one without
 * it, is refused whole, and nothing of it is sent. The planner already keeps to the rule; the gate makes a defect
 * there (or in a view gone stale) a refused write instead of a foreign record changed — the same reason
 * external-dns's registry checks ownership again at its last step.
 */
public final class OwnershipGate implements DnsProvider {

    private final DnsProvider delegate;
    private final String mark;

    /** @param mark the text of this deployment's ownership mark */
    public OwnershipGate(DnsProvider delegate, String mark) {
        this.delegate = delegate;
        this.mark = mark.toLowerCase(Locale.ROOT);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public List<ProviderRecord> recordsAt(String name) throws ProviderException {
        return delegate.recordsAt(name);
    }

    @Override
    public List<ProviderRecord> recordsMarked(String mark) throws ProviderException {
        return delegate.recordsMarked(mark);
    }

    @Override
    public RecordBatch.Result batch(RecordBatch batch) throws ProviderException {
        for (ProviderRecord r : batch.deletes()) {
            requireMarked(r.mark(), "delete", r.name(), r.type());
        }
        for (RecordBatch.Patch p : batch.patches()) {
            requireMarked(p.existing().mark(), "update", p.existing().name(), p.existing().type());
            requireMarked(p.spec().mark(), "update", p.spec().name(), p.spec().type());
        }
        for (RecordSpec s : batch.posts()) {
            requireMarked(s.mark(), "create", s.name(), s.type());
        }
        return delegate.batch(batch);
    }

    @Override
    public boolean inSync(String change) throws ProviderException {
        return delegate.inSync(change);
    }

    @Override
    public java.time.Duration untilNextRequest() {
        return delegate.untilNextRequest();
    }

    private void requireMarked(String recordMark, String action, String name, String type) throws ProviderException {
        if (recordMark == null || !recordMark.toLowerCase(Locale.ROOT).equals(mark)) {
            throw new ProviderException(ProviderException.Kind.PERMANENT, "refused to " + action + " " + type + " "
                    + name + ": the record does not carry Elephant's mark (" + mark + ")", null, null);
        }
    }
}
