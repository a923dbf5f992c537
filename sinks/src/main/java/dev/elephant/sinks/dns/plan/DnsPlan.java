package dev.elephant.sinks.dns.plan;

import dev.elephant.sinks.dns.provider.ProviderRecord;
import dev.elephant.sinks.dns.provider.RecordSpec;
import java.util.List;

/**
 * What to do at one name so the provider matches the desired state, as a value.
 *
 * @param changes  in order: updates and creates first, then deletes
 * @param refusal  why nothing may be done (a record Elephant does not own holds the name), or null
 */
public record DnsPlan(String name, List<Change> changes, String refusal) {

    public DnsPlan {
        changes = List.copyOf(changes);
    }

    public enum Action { CREATE, UPDATE, DELETE }

    /** One provider write. {@code existing} is null for a create; {@code spec} is null for a delete. */
    public record Change(Action action, ProviderRecord existing, RecordSpec spec) {}

    public boolean isEmpty() {
        return changes.isEmpty() && refusal == null;
    }
}
