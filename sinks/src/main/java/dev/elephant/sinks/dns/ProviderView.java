package dev.elephant.sinks.dns;

import dev.elephant.sinks.dns.provider.ProviderRecord;
import dev.elephant.sinks.dns.provider.RecordBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What this process believes the provider holds, per name: filled by listing Elephant's own records
 * (at start and at each reconciliation), corrected by a look at one name when a write says the
 * belief was wrong, and kept current with every write that succeeded. Planning against it costs no
 * provider call; the periodic reconciliation catches what changed behind Elephant's back.
 */
final class ProviderView {

    private final Map<String, List<ProviderRecord>> byName = new HashMap<>();

    synchronized List<ProviderRecord> at(String name) {
        return List.copyOf(byName.getOrDefault(key(name), List.of()));
    }

    /** Forgets every name {@code replaced} accepts and takes {@code records} (a fresh listing) instead. */
    synchronized void replace(Predicate<String> replaced, List<ProviderRecord> records) {
        byName.keySet().removeIf(replaced);
        for (ProviderRecord r : records) {
            if (replaced.test(key(r.name()))) {
                byName.computeIfAbsent(key(r.name()), n -> new ArrayList<>()).add(r);
            }
        }
    }

    /** What a look at one name found. */
    synchronized void replaceAt(String name, List<ProviderRecord> records) {
        byName.put(key(name), new ArrayList<>(records));
    }

    synchronized void applied(RecordBatch batch, RecordBatch.Result result) {
        for (ProviderRecord d : batch.deletes()) {
            remove(d.id(), d.name());
        }
        for (int i = 0; i < batch.patches().size(); i++) {
            ProviderRecord old = batch.patches().get(i).existing();
            remove(old.id(), old.name());
            add(result.patched().get(i));
        }
        result.posted().forEach(this::add);
    }

    private void add(ProviderRecord r) {
        byName.computeIfAbsent(key(r.name()), n -> new ArrayList<>()).add(r);
    }

    private void remove(String id, String name) {
        List<ProviderRecord> at = byName.get(key(name));
        if (at != null) {
            at.removeIf(r -> r.id().equals(id));
        }
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
