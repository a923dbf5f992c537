package dev.elephant.app;

import static org.awaitility.Awaitility.await;

import dev.elephant.events.DeadLetter;
import dev.elephant.events.DnsMutation;
import dev.elephant.events.Ec2State;
import dev.elephant.events.EcsStatus;
import dev.elephant.events.InstanceEvent;
import dev.elephant.events.InstanceIds;
import dev.elephant.events.Json;
import dev.elephant.standins.aws.AwsStandIn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Elephant's promises, checked on a finished run from the outside:
 * <ol>
 *   <li>the provider's records equal the desired state derived from the input log — derived here,
 *       from {@code instance-events} alone, not read from Elephant's tables;</li>
 *   <li>no name has two records, nothing Elephant owns lies outside its domain, and records that
 *       are not Elephant's are exactly as they were;</li>
 *   <li>the audit is complete: every intent has one outcome, and the provider's own count of the
 *       changes it applied equals the outcomes that say a change was applied;</li>
 *   <li>every dead letter has a reason, and every accepted input is in {@code instance-events}
 *       once per acceptance, or once more for each delivery whose answer a crash lost.</li>
 * </ol>
 */
final class InvariantChecker {

    /** What a run leaves to check. */
    record Run(String bootstrap, String topicPrefix, String domain, String ownerComment, ProviderSide provider,
               List<ProviderSide.Rec> foreignBefore, long providerChangesBefore, Collection<String> acceptedEventIds,
               Map<String, Long> deliveryAttempts) {

        /** A run whose inputs were not delivered over HTTP (nothing to check of rule 4's acceptances). */
        Run(String bootstrap, String topicPrefix, String domain, String ownerComment, ProviderSide provider,
            List<ProviderSide.Rec> foreignBefore, long providerChangesBefore) {
            this(bootstrap, topicPrefix, domain, ownerComment, provider, foreignBefore, providerChangesBefore, List.of(),
                    Map.of());
        }
    }

    private InvariantChecker() {}

    /**
     * Checks {@code run} again and again — each time once every EventBridge delivery has ended — until
     * nothing is wrong and {@code alsoDone} holds, or {@code atMost} has passed; while violations remain,
     * they are printed every 20 s under {@code label}.
     *
     * @return the violations of the last check: empty when the run converged
     */
    static List<String> awaitConvergence(String label, AwsStandIn aws, Supplier<Run> run, Duration atMost,
                                         BooleanSupplier alsoDone) {
        List<String> violations = new ArrayList<>();
        long started = System.nanoTime();
        long[] lastReport = {started};
        try {
            await().atMost(atMost).pollInterval(Duration.ofSeconds(2)).until(() -> {
                violations.clear();
                if (aws.deliveriesPending() > 0) {
                    violations.add(aws.deliveriesPending() + " EventBridge deliveries not accepted yet");
                    return false;
                }
                violations.addAll(check(run.get()));
                if (!violations.isEmpty() && System.nanoTime() - lastReport[0] > TimeUnit.SECONDS.toNanos(20)) {
                    lastReport[0] = System.nanoTime();
                    System.out.printf("%s: after %d s still %s%n", label, TimeUnit.NANOSECONDS.toSeconds(
                            System.nanoTime() - started), violations.stream()
                            .map(v -> v.length() > 300 ? v.substring(0, 300) : v).toList());
                }
                return violations.isEmpty() && alsoDone.getAsBoolean();
            });
        } catch (ConditionTimeoutException e) {
            // the caller asserts on what is returned, which says which invariant did not hold
        }
        return violations;
    }

    /** The violations found; empty when every invariant holds. */
    static List<String> check(Run run) {
        List<String> violations = new ArrayList<>();
        List<InstanceEvent> inputs = read(run, "instance-events", InstanceEvent.class);
        List<ProviderSide.Rec> records = run.provider().records();

        Map<String, String> expected = expectedRecords(inputs, run.domain());
        Map<String, String> actual = new TreeMap<>();
        for (ProviderSide.Rec r : records) {
            if (run.ownerComment().equals(r.mark())) {
                actual.merge(r.name(), r.content(), (a, b) -> a + "," + b);
            }
        }
        if (!actual.equals(expected)) {
            violations.add("1 provider records differ from the desired state of the log: expected " + diff(expected, actual));
        }

        records.stream().collect(Collectors.groupingBy(r -> r.name() + " " + r.type(), Collectors.counting()))
                .forEach((name, n) -> {
                    if (n > 1) {
                        violations.add("2 " + n + " records for " + name);
                    }
                });
        records.stream().filter(r -> run.ownerComment().equals(r.mark()))
                .filter(r -> !r.name().endsWith("." + run.domain()))
                .forEach(r -> violations.add("2 Elephant's record outside its domain: " + r.name()));
        List<ProviderSide.Rec> foreignAfter = records.stream().filter(r -> !run.ownerComment().equals(r.mark())).toList();
        if (!sameRecords(run.foreignBefore(), foreignAfter)) {
            violations.add("2 records that are not Elephant's changed: before " + run.foreignBefore() + ", after "
                    + foreignAfter);
        }

        List<DnsMutation> audit = read(run, "dns-mutations", DnsMutation.class);
        Map<String, List<DnsMutation>> byId = audit.stream()
                .filter(m -> m.phase() == DnsMutation.Phase.INTENT || m.phase().isOutcome())
                .filter(m -> m.phase() != DnsMutation.Phase.NOOP)
                .collect(Collectors.groupingBy(DnsMutation::mutationId));
        byId.forEach((id, entries) -> {
            long intents = entries.stream().filter(m -> m.phase() == DnsMutation.Phase.INTENT).count();
            long outcomes = entries.size() - intents;
            if (intents != 1 || outcomes != 1) {
                violations.add("3 mutation " + id + " has " + intents + " intent(s) and " + outcomes + " outcome(s)");
            }
        });
        long appliedOutcomes = audit.stream().filter(m -> m.phase() == DnsMutation.Phase.APPLIED
                || m.phase() == DnsMutation.Phase.DRIFT_REPAIRED).count();
        long providerChanges = run.provider().recordWrites() - run.providerChangesBefore(); // others' writes before
        if (appliedOutcomes != providerChanges) {
            violations.add("3 the provider applied " + providerChanges + " change(s); the audit says "
                    + appliedOutcomes);
        }

        for (DeadLetter dl : read(run, "dead-letter", DeadLetter.class)) {
            if (dl.reason() == null || dl.reason().isBlank()) {
                violations.add("4 a dead letter without a reason: " + dl);
            }
        }
        Map<String, Long> logged = inputs.stream().collect(Collectors.groupingBy(InstanceEvent::eventId,
                Collectors.counting()));
        // Once per accepted delivery — and once more at most per delivery whose write was kept but whose answer
        // was lost (a crash between the Kafka acknowledgement and the 202): the sender retries it, and the
        // topology treats the repeated id as a no-op. Never missing, never more often than it was sent.
        Map<String, Long> accepted = run.acceptedEventIds().stream().collect(Collectors.groupingBy(id -> id,
                Collectors.counting()));
        accepted.forEach((id, times) -> {
            long n = logged.getOrDefault(id, 0L);
            long sent = run.deliveryAttempts().getOrDefault(id, times);
            if (n < 1 || n > sent) {
                violations.add("4 event " + id + " accepted " + times + " time(s), sent " + sent
                        + " time(s), is in instance-events " + n + " time(s)");
            }
        });
        return violations;
    }

    /**
     * The records the log asks for, by the rules of DESIGN.md applied to each instance's whole
     * history at once: the newest event wins (EC2: event time, then lifecycle rank; ECS: task
     * version), repeats count once, and a final state (terminated; a stopped task) means no record.
     */
    static Map<String, String> expectedRecords(List<InstanceEvent> inputs, String domain) {
        Map<String, Map<String, InstanceEvent>> byInstance = new HashMap<>();
        for (InstanceEvent e : inputs) {
            byInstance.computeIfAbsent(e.instanceId(), i -> new HashMap<>()).putIfAbsent(e.eventId(), e);
        }
        Map<String, String> expected = new TreeMap<>();
        byInstance.forEach((id, events) -> {
            if (!InstanceIds.isValid(id)) {
                return;
            }
            Collection<InstanceEvent> history = events.values();
            boolean ecs = history.iterator().next().isEcs();
            boolean ended = history.stream().anyMatch(e -> ecs
                    ? EcsStatus.fromWireName(e.state()).map(EcsStatus::isFinal).orElse(false)
                    : Ec2State.fromWireName(e.state()).map(Ec2State::isFinal).orElse(false));
            if (ended) {
                return;
            }
            Comparator<InstanceEvent> newest = ecs
                    ? Comparator.comparing(e -> e.version() == null ? Long.MIN_VALUE : e.version())
                    : Comparator.<InstanceEvent, java.time.Instant>comparing(InstanceEvent::time)
                            .thenComparing(e -> Ec2State.fromWireName(e.state()).map(Ec2State::rank).orElse(-1));
            InstanceEvent last = history.stream().max(newest).orElseThrow();
            boolean up = ecs ? "RUNNING".equals(last.state()) && "RUNNING".equals(last.desiredStatus())
                    : "running".equals(last.state());
            if (up && last.found() && last.publicIp() != null) {
                expected.put(InstanceIds.recordName(id, domain), last.publicIp());
            }
        });
        return expected;
    }

    private static boolean sameRecords(List<ProviderSide.Rec> a, List<ProviderSide.Rec> b) {
        Set<String> x = a.stream().map(r -> r.id() + " " + r.name() + " " + r.content() + " " + r.mark())
                .collect(Collectors.toSet());
        Set<String> y = b.stream().map(r -> r.id() + " " + r.name() + " " + r.content() + " " + r.mark())
                .collect(Collectors.toSet());
        return x.equals(y);
    }

    private static String diff(Map<String, String> expected, Map<String, String> actual) {
        StringBuilder out = new StringBuilder();
        for (String name : new java.util.TreeSet<>(union(expected.keySet(), actual.keySet()))) {
            String e = expected.get(name);
            String a = actual.get(name);
            if (!java.util.Objects.equals(e, a)) {
                out.append("\n  ").append(name).append(": expected ").append(e).append(", provider has ").append(a);
            }
        }
        return out.toString();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static <T> List<T> read(Run run, String topic, Class<T> type) {
        List<T> values = new ArrayList<>();
        for (ConsumerRecord<String, String> r : TopicReader.readAll(run.bootstrap(), run.topicPrefix() + topic)) {
            if (r.value() == null) {
                continue;
            }
            try {
                values.add(Json.mapper().readValue(r.value(), type));
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable " + topic + " record at offset " + r.offset(), e);
            }
        }
        return values;
    }
}
