package dev.elephant.sinks.dns;

import dev.elephant.events.DesiredRecord;
import dev.elephant.events.Json;
import dev.elephant.sinks.TopicSnapshot;
import dev.elephant.sinks.dns.plan.DnsPlan;
import dev.elephant.sinks.dns.plan.DnsPlanner;
import dev.elephant.sinks.dns.plan.OwnershipMark;
import dev.elephant.sinks.dns.provider.DnsProvider;
import dev.elephant.sinks.dns.provider.ProviderException;
import dev.elephant.sinks.dns.provider.ProviderRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the DNS sink would change if the provider had to match the whole desired state now: the plan
 * per name, computed with read-only calls (one listing of Elephant's records, one look per name whose
 * create could collide). Nothing is written anywhere.
 */
public final class PlanPreview {

    private PlanPreview() {}

    public static List<DnsPlan> preview(Map<String, Object> kafka, String desiredTopic, DnsProvider provider,
                                        DnsPlanner planner, OwnershipMark mark)
            throws TimeoutException, ProviderException {
        Map<String, DesiredRecord> desired = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> r : TopicSnapshot.readTopic(kafka, desiredTopic, Duration.ofSeconds(60))
                .records()) {
            desired.put(r.key(), r.value() == null ? null : Json.fromBytes(r.value(), DesiredRecord.class));
        }
        Map<String, List<ProviderRecord>> owned = provider.recordsMarked(mark.text()).stream()
                .collect(Collectors.groupingBy(r -> r.name().toLowerCase(Locale.ROOT), TreeMap::new, Collectors.toList()));
        TreeMap<String, DesiredRecord> names = new TreeMap<>(desired);
        owned.keySet().forEach(n -> names.putIfAbsent(n, null));
        List<DnsPlan> plans = new ArrayList<>();
        for (var e : names.entrySet()) {
            List<ProviderRecord> actual = owned.getOrDefault(e.getKey(), List.of());
            DnsPlan plan = planner.plan(e.getKey(), e.getValue(), actual);
            boolean creates = plan.changes().stream().anyMatch(c -> c.action() == DnsPlan.Action.CREATE);
            if (creates) {
                // A create could meet a record Elephant does not own: look, as the sink would.
                plan = planner.plan(e.getKey(), e.getValue(), provider.recordsAt(e.getKey()));
            }
            if (!plan.isEmpty()) {
                plans.add(plan);
            }
        }
        return plans;
    }

    /** One line per change, for people. */
    public static List<String> describe(List<DnsPlan> plans) {
        List<String> lines = new ArrayList<>();
        for (DnsPlan p : plans) {
            if (p.refusal() != null) {
                lines.add("refuse  " + p.name() + ": " + p.refusal());
            }
            for (DnsPlan.Change c : p.changes()) {
                lines.add(switch (c.action()) {
                    case CREATE -> "create  " + p.name() + " " + c.spec().type() + " " + c.spec().content();
                    case UPDATE -> "update  " + p.name() + " " + c.existing().content() + " -> " + c.spec().content();
                    case DELETE -> "delete  " + p.name() + " " + c.existing().type() + " " + c.existing().content();
                });
            }
        }
        return lines;
    }
}
