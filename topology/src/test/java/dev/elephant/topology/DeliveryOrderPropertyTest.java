package dev.elephant.topology;

import dev.elephant.events.DesiredRecord;
import dev.elephant.events.MeetingReady;
import dev.elephant.topology.LifecycleHistories.InstanceInput;
import dev.elephant.topology.LifecycleHistories.Input;
import dev.elephant.topology.LifecycleHistories.MeetingInput;
import dev.elephant.topology.instances.InstanceState;
import dev.elephant.topology.meetings.MeetingState;
import dev.elephant.topology.meetings.MeetingStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * DESIGN.md, "Ordering": EventBridge delivers at least once and in no guaranteed order, so any
 * permutation of a history, with duplicates, must end where in-order delivery ends.
 *
 * <p>Compared at the end: {@code dns-desired} as its compacted topic holds it (a tombstone and no
 * record at all both mean "no record"), each instance's state and record, each meeting's status
 * and links, and {@code meeting-ready} wherever the end state fixes it: the links of a ready
 * meeting, nothing (or a tombstone) for an ended or cancelled one. A meeting that was ready once and
 * lost an instance keeps its last publication — whether it was published depends on the order, and
 * the rules say nothing is retracted until the meeting ends, so it is not compared.
 *
 * <p>Runs {@value #HISTORIES} histories from a random base seed; set {@code -Delephant.seed=N} to
 * replay one. A failure names its seed and prints the history and the delivery order.
 */
class DeliveryOrderPropertyTest {

    private static final int HISTORIES = 1000;

    /** Histories share one pair of drivers in batches: their keys are disjoint, and a driver costs more than a history. */
    private static final int BATCH = 20;

    @TestFactory
    Stream<DynamicTest> anyDeliveryOrderWithDuplicatesEndsWhereInOrderDeliveryEnds() {
        Long fixed = Long.getLong("elephant.seed");
        long base = fixed != null ? fixed : System.nanoTime();
        int count = fixed != null ? 1 : Integer.getInteger("elephant.histories", HISTORIES);
        return LongStream.iterate(base, first -> first < base + count, first -> first + BATCH)
                .mapToObj(first -> {
                    long last = Math.min(first + BATCH, base + count) - 1;
                    return DynamicTest.dynamicTest("seeds " + first + ".." + last, () -> check(first, last));
                });
    }

    private static void check(long firstSeed, long lastSeed) {
        List<Input> histories = new ArrayList<>();
        List<Input> deliveries = new ArrayList<>();
        for (long seed = firstSeed; seed <= lastSeed; seed++) {
            LifecycleHistories generator = new LifecycleHistories(seed);
            List<Input> history = generator.history();
            histories.addAll(history);
            deliveries.addAll(generator.shuffledWithDuplicates(history));
        }
        if (mismatch(histories, deliveries) == null) {
            return;
        }
        for (long seed = firstSeed; seed <= lastSeed; seed++) {
            check(seed); // find the seed that fails, alone
        }
        throw new AssertionError("seeds " + firstSeed + ".." + lastSeed + " fail together but none alone");
    }

    private static void check(long seed) {
        LifecycleHistories histories = new LifecycleHistories(seed);
        List<Input> history = histories.history();
        List<Input> delivered = histories.shuffledWithDuplicates(history);
        String mismatch = mismatch(history, delivered);
        if (mismatch == null) {
            return;
        }
        // Shrink: drop inputs (with their duplicates) while the mismatch stays, so the report is short.
        for (int i = 0; i < history.size(); ) {
            Input dropped = history.get(i);
            List<Input> smallerHistory = new ArrayList<>(history);
            smallerHistory.remove(i);
            List<Input> smallerDelivery = new ArrayList<>(delivered);
            smallerDelivery.removeIf(input -> input == dropped);
            String smaller = smallerHistory.isEmpty() ? null : mismatch(smallerHistory, smallerDelivery);
            if (smaller != null) {
                history = smallerHistory;
                delivered = smallerDelivery;
                mismatch = smaller;
            } else {
                i++;
            }
        }
        throw new AssertionError("seed " + seed + " (replay with -Delephant.seed=" + seed + "): " + mismatch
                + "\nshrunk history, in order:\n" + lines(history) + "delivered:\n" + lines(delivered));
    }

    /** Why the delivered order ends elsewhere than the history, or null when it ends in the same place. */
    private static String mismatch(List<Input> history, List<Input> delivered) {
        Outcome inOrder = run(history);
        Outcome shuffled = run(delivered);
        if (!shuffled.desired.equals(inOrder.desired)) {
            return "dns-desired differs: in order " + inOrder.desired + ", delivered " + shuffled.desired;
        }
        if (!shuffled.instances.equals(inOrder.instances)) {
            return "instance-state differs: in order " + inOrder.instances + ", delivered " + shuffled.instances;
        }
        if (!shuffled.meetings.equals(inOrder.meetings)) {
            return "meeting-state differs: in order " + inOrder.meetings + ", delivered " + shuffled.meetings;
        }
        for (var end : inOrder.meetings.entrySet()) {
            String meetingId = end.getKey();
            MeetingReady expected = inOrder.ready.get(meetingId);
            MeetingReady actual = shuffled.ready.get(meetingId);
            boolean ready = end.getValue().startsWith(MeetingStatus.READY.name());
            boolean finished = end.getValue().startsWith(MeetingStatus.ENDED.name())
                    || end.getValue().startsWith(MeetingStatus.CANCELLED.name());
            if (ready && (expected == null || !expected.links().equals(actual == null ? null : actual.links()))) {
                return "meeting-ready of ready meeting " + meetingId + ": in order " + expected + ", delivered " + actual;
            }
            if (finished && (expected != null || actual != null)) {
                return "meeting-ready of finished meeting " + meetingId + " is not a tombstone: in order " + expected
                        + ", delivered " + actual;
            }
        }
        return null;
    }

    /** What a run leaves behind, in comparable form. */
    private record Outcome(Map<String, String> desired, Map<String, String> instances, Map<String, String> meetings,
                           Map<String, MeetingReady> ready) {}

    /**
     * Feeds the inputs one by one; after each, a sink that always succeeds confirms every record the
     * topology asked for, as the DNS sink's {@code applied} outcome would.
     */
    private static Outcome run(List<Input> inputs) {
        try (TopologyFixture f = new TopologyFixture()) {
            Map<String, String> desired = new TreeMap<>();
            Map<String, MeetingReady> ready = new TreeMap<>();
            TreeSet<String> instanceIds = new TreeSet<>();
            TreeSet<String> meetingIds = new TreeSet<>();
            for (Input input : inputs) {
                if (input instanceof InstanceInput i) {
                    f.send(i.event());
                    instanceIds.add(i.event().instanceId());
                    String meetingId = i.event().tags().get("MeetingId");
                    if (meetingId != null) {
                        meetingIds.add(meetingId);
                    }
                } else if (input instanceof MeetingInput m) {
                    f.meetingEvents.pipeInput(m.event().meetingId(), m.event(), m.time());
                    meetingIds.add(m.event().meetingId());
                }
                List<DesiredRecord> toConfirm = new ArrayList<>();
                f.desired.readRecordsToList().forEach(r -> {
                    if (r.value() == null) {
                        desired.remove(r.key());
                    } else {
                        desired.put(r.key(), describe(r.value()));
                        toConfirm.add(r.value());
                    }
                });
                toConfirm.forEach(record -> f.confirm(record, input.time()));
                f.desired.readRecordsToList().forEach(r -> {
                    throw new AssertionError("a confirmation changed dns-desired: " + r);
                });
                f.ready.readRecordsToList().forEach(r -> {
                    if (r.value() == null) {
                        ready.remove(r.key());
                    } else {
                        ready.put(r.key(), r.value());
                    }
                });
            }
            Map<String, String> instances = new TreeMap<>();
            for (String id : instanceIds) {
                InstanceState s = f.instance(id);
                instances.put(id, s == null ? "absent"
                        : s.state() + " record=" + s.recordContent() + " " + s.recordStatus());
            }
            Map<String, String> meetings = new TreeMap<>();
            for (String id : meetingIds) {
                MeetingState s = f.meeting(id);
                meetings.put(id, s == null ? "absent" : s.status() + " roles=" + s.roles() + " links=" + s.readyLinks());
            }
            return new Outcome(desired, instances, meetings, ready);
        }
    }

    private static String describe(DesiredRecord r) {
        return r.type() + " " + r.content() + " ttl=" + r.ttl() + " instance=" + r.instanceId();
    }

    private static String lines(List<Input> inputs) {
        StringBuilder out = new StringBuilder();
        for (Input input : inputs) {
            out.append("  ").append(input).append('\n');
        }
        return out.toString();
    }
}
