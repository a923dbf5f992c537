package dev.elephant.sinks.dns.plan;

import dev.elephant.events.DesiredRecord;
import dev.elephant.sinks.dns.provider.ProviderRecord;
import dev.elephant.sinks.dns.provider.RecordSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Diffs the desired record at a name against what the provider holds there. Pure: no I/O, so every
 * case is a unit test.
 *
 * <pre>
 *  desired   | Elephant's records at the name | other records | plan
 *  ----------+--------------------------------+---------------+--------------------------------
 *  none      | none                           | any           | nothing
 *  none      | r1..rn                         | any           | delete r1..rn
 *  record    | one that matches               | any           | nothing (extra own ones deleted)
 *  record    | r1..rn, none matches           | any           | update r1, delete r2..rn
 *  record    | none                           | none          | create
 *  record    | none                           | some          | refuse: the name is not Elephant's
 * </pre>
 */
public final class DnsPlanner {

    private final OwnershipMark mark;
    private final String domain;

    public DnsPlanner(OwnershipMark mark, String domain) {
        this.mark = mark;
        this.domain = domain;
    }

    public DnsPlan plan(String name, DesiredRecord desired, List<ProviderRecord> actual) {
        if (!isUnderDomain(name) || (desired != null && !name.equals(desired.name()))) {
            return new DnsPlan(name, List.of(), "name is outside the managed domain " + domain);
        }
        List<ProviderRecord> owned = new ArrayList<>();
        List<ProviderRecord> foreign = new ArrayList<>();
        for (ProviderRecord r : actual) {
            if (!r.name().equalsIgnoreCase(name)) {
                continue;
            }
            (mark.isOn(r.mark()) ? owned : foreign).add(r);
        }
        List<DnsPlan.Change> changes = new ArrayList<>();
        if (desired == null) {
            owned.forEach(r -> changes.add(new DnsPlan.Change(DnsPlan.Action.DELETE, r, null)));
            return new DnsPlan(name, changes, null);
        }
        RecordSpec spec = new RecordSpec(name, desired.type(), desired.content(), desired.ttl(), mark.text());
        ProviderRecord keep = owned.stream().filter(r -> matches(r, spec)).findFirst().orElse(null);
        if (keep == null && !owned.isEmpty()) {
            keep = owned.get(0);
            changes.add(new DnsPlan.Change(DnsPlan.Action.UPDATE, keep, spec));
        } else if (keep == null) {
            boolean blocked = foreign.stream().anyMatch(r -> r.type().equals(spec.type()) || r.type().equals("CNAME"));
            if (blocked) {
                return new DnsPlan(name, List.of(), "the name holds a record without Elephant's mark ("
                        + mark.text() + "); it is left alone");
            }
            changes.add(new DnsPlan.Change(DnsPlan.Action.CREATE, null, spec));
        }
        for (ProviderRecord r : owned) {
            if (r != keep) {
                changes.add(new DnsPlan.Change(DnsPlan.Action.DELETE, r, null));
            }
        }
        return new DnsPlan(name, changes, null);
    }

    private boolean isUnderDomain(String name) {
        return name != null && name.endsWith("." + domain) && name.length() > domain.length() + 1
                && name.indexOf('.') == name.length() - domain.length() - 1;
    }

    private static boolean matches(ProviderRecord r, RecordSpec spec) {
        return r.type().equals(spec.type()) && r.content().equals(spec.content()) && r.ttl() == spec.ttl();
    }
}
