package dev.elephant.app.audit;

import dev.elephant.events.CertificateEvent;
import dev.elephant.events.DnsMutation;
import dev.elephant.events.FailoverCheck;
import dev.elephant.events.InstanceEvent;
import dev.elephant.events.InstanceIds;
import dev.elephant.events.MachineAction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The history of DNS changes and EC2 actions for a record name, an instance (or ECS task) or a meeting, each
 * with the event that caused it: the answer to "why does this name point there?", "when did that record
 * disappear?" and "who launched or terminated this machine, and why?". Pure: it reads the lists it is given.
 */
public final class AuditReport {

    /** One audited step, with its cause resolved when the causing event is in the log. */
    public record Row(Instant time, String name, String phase, String action, String content, String previousContent,
                      String instanceId, String causeId, String cause, String error, String mutationId) {}

    public enum SubjectKind { RECORD, INSTANCE, MEETING }

    private AuditReport() {}

    public static SubjectKind kindOf(String subject) {
        if (InstanceIds.isValid(subject)) {
            return SubjectKind.INSTANCE;
        }
        return subject.contains(".") ? SubjectKind.RECORD : SubjectKind.MEETING;
    }

    /**
     * @param meetingTag the tag naming an instance's meeting (to find a meeting's instances)
     * @param since      only steps at or after this time, or null for all
     */
    public static List<Row> build(String subject, List<DnsMutation> mutations, List<InstanceEvent> events,
                                  String meetingTag, Instant since) {
        return build(subject, mutations, events, List.of(), meetingTag, since);
    }

    /**
     * @param actions the EC2 audit ({@code machine-actions}): a meeting's launches and terminations, an instance's
     *                own, appear beside its records, named {@code ec2:launch} or {@code ec2:terminate}
     */
    public static List<Row> build(String subject, List<DnsMutation> mutations, List<InstanceEvent> events,
                                  List<MachineAction> actions, String meetingTag, Instant since) {
        return build(subject, new Sources(mutations, events, actions, List.of(), List.of()), meetingTag, since);
    }

    /**
     * Everything the audit reads.
     *
     * @param actions        the EC2 audit ({@code machine-actions})
     * @param certificates   the certificate's history ({@code certificates}): its attempts and outcomes appear, named
     *                       {@code certificate:…}, when the subject is one of its names, its challenge record's name
     *                       or the certificate's id; the challenge records' writes name the attempt that caused them
     * @param failoverChecks the failover checks' results of the subject's name ({@code failover-checks}): a record a
     *                       result moved names it as its cause, and the run of results that moved it appears before
     *                       the change, named {@code failover-check:primary} or {@code …:secondary}
     */
    public record Sources(List<DnsMutation> mutations, List<InstanceEvent> events, List<MachineAction> actions,
                          List<CertificateEvent> certificates, List<FailoverCheck> failoverChecks) {}

    public static List<Row> build(String subject, Sources sources, String meetingTag, Instant since) {
        Map<String, CertificateEvent> attempts = new HashMap<>();
        for (CertificateEvent c : sources.certificates()) {
            if (c.phase() == CertificateEvent.Phase.ATTEMPT) {
                attempts.put(c.attemptId(), c);
            }
        }
        Map<String, FailoverCheck> checks = new HashMap<>();
        sources.failoverChecks().forEach(c -> checks.put(c.checkId(), c));
        List<Row> rows = new ArrayList<>(build(subject, sources.mutations(), sources.events(), sources.actions(),
                meetingTag, since, attempts, checks));
        for (CertificateEvent c : sources.certificates()) {
            boolean about = subject.equals(c.certificate()) || c.names().stream().anyMatch(n -> n.equalsIgnoreCase(subject)
                    || ("_acme-challenge." + (n.startsWith("*.") ? n.substring(2) : n)).equalsIgnoreCase(subject));
            if (!about || (since != null && c.time() != null && c.time().isBefore(since))) {
                continue;
            }
            String content = c.notAfter() == null ? String.join(",", c.names())
                    : "serial " + c.serial() + ", valid until " + c.notAfter();
            rows.add(new Row(c.time(), "certificate:" + c.certificate(), wire(c.phase()), c.reason(), content, null,
                    null, c.causeId(), c.issuer() == null ? c.detail() : "issued by " + c.issuer(),
                    c.error() == null ? null : c.error() + (c.nextAttemptAt() == null ? "" : " (next attempt "
                            + c.nextAttemptAt() + ")"), c.attemptId()));
        }
        // First, so that the stable sort puts a check before the change it caused at the same instant.
        rows.addAll(0, checksThatMoved(rows, sources.failoverChecks(), since));
        rows.sort(Comparator.comparing(Row::time, Comparator.nullsFirst(Comparator.naturalOrder())));
        return rows;
    }

    /**
     * For each change a check result caused: that result and the ones in a row before it on the same target that
     * agreed with it (the failures that made the target unhealthy, or the passes that made it healthy again).
     */
    private static List<Row> checksThatMoved(List<Row> rows, List<FailoverCheck> all, Instant since) {
        Map<String, List<FailoverCheck>> byTarget = new HashMap<>();
        for (FailoverCheck c : all) {
            byTarget.computeIfAbsent(c.declarationId() + "/" + c.target(), k -> new ArrayList<>()).add(c);
        }
        byTarget.values().forEach(l -> l.sort(Comparator.comparing(FailoverCheck::time)));
        Set<String> causes = new HashSet<>();
        rows.forEach(r -> causes.add(r.causeId()));
        Map<String, Row> out = new java.util.LinkedHashMap<>();
        for (List<FailoverCheck> results : byTarget.values()) {
            for (int i = 0; i < results.size(); i++) {
                if (!causes.contains(results.get(i).checkId())) {
                    continue;
                }
                boolean ok = results.get(i).ok();
                for (int j = i; j >= 0 && j > i - MAX_RUN && results.get(j).ok() == ok; j--) {
                    FailoverCheck c = results.get(j);
                    if (since == null || !c.time().isBefore(since)) {
                        out.putIfAbsent(c.checkId(), new Row(c.time(), "failover-check:" + c.target(),
                                c.ok() ? "pass" : "fail", "check", c.address(), null, c.instanceId(), null,
                                c.detail(), null, c.checkId()));
                    }
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    /** The most results of a run shown before a change: a run is at most 10 long before it moves a name. */
    private static final int MAX_RUN = 10;

    private static List<Row> build(String subject, List<DnsMutation> mutations, List<InstanceEvent> events,
                                   List<MachineAction> actions, String meetingTag, Instant since,
                                   Map<String, CertificateEvent> attempts, Map<String, FailoverCheck> checks) {
        SubjectKind kind = kindOf(subject);
        Map<String, InstanceEvent> byEventId = new HashMap<>();
        Set<String> meetingInstances = new HashSet<>();
        for (InstanceEvent e : events) {
            if (e.eventId() != null) {
                byEventId.putIfAbsent(e.eventId(), e);
            }
            if (kind == SubjectKind.MEETING && subject.equals(e.tags().get(meetingTag))) {
                meetingInstances.add(e.instanceId());
            }
        }
        List<Row> rows = new ArrayList<>();
        for (DnsMutation m : mutations) {
            boolean about = switch (kind) {
                case RECORD -> subject.equalsIgnoreCase(m.name());
                case INSTANCE -> subject.equals(m.instanceId());
                case MEETING -> meetingInstances.contains(m.instanceId());
            };
            if (!about || (since != null && m.time() != null && m.time().isBefore(since))) {
                continue;
            }
            rows.add(new Row(m.time(), m.name(), wire(m.phase()), m.action() == null ? null : wire(m.action()),
                    m.content(), m.previousContent(), m.instanceId(), m.causeId(), Causes.describe(byEventId.get(m.causeId()), attempts.get(m.causeId()), checks.get(m.causeId())),
                    m.error(), m.mutationId()));
        }
        for (MachineAction a : actions) {
            boolean about = switch (kind) {
                case RECORD -> false;
                case INSTANCE -> a.instanceIds().contains(subject);
                case MEETING -> subject.equals(a.meetingId());
            };
            if (!about || (since != null && a.time() != null && a.time().isBefore(since))) {
                continue;
            }
            String seat = a.role() == null ? "" : " " + a.meetingId() + "/" + a.role() + " attempt " + a.attempt();
            rows.add(new Row(a.time(), "ec2:" + wire(a.action()) + seat, wire(a.phase()), wire(a.action()),
                    a.instanceIds().isEmpty() ? null : String.join(",", a.instanceIds()), null,
                    a.instanceIds().size() == 1 ? a.instanceIds().get(0) : null, a.causeId(),
                    a.reason(), a.error() == null ? null : a.error() + (a.detail() == null ? "" : ": " + a.detail()),
                    a.commandId()));
        }
        rows.sort(Comparator.comparing(Row::time, Comparator.nullsFirst(Comparator.naturalOrder())));
        return rows;
    }

    private static String wire(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
