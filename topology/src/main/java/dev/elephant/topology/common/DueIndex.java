package dev.elephant.topology.common;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * When each row of a table is next due for a tick, so that a tick visits the rows due by its time instead of the
 * whole table. A tick comes every {@code launch.tickInterval} to every partition from every Elephant instance, and a
 * replay goes through every tick of the log: visiting each row at each tick cost (rows × ticks) reads, which for a
 * table of thousands of meetings made the ticks of a day of history hours of a replay.
 *
 * <p>Held in memory by the processor that owns the table and is the only one to write it: built from the table at
 * the first tick after the processor is (re)initialised — after Kafka Streams restored its store, and again whenever
 * it revives the task — and moved with every write after that, so it never disagrees with the table. It is not a
 * store: a changelogged index would add a write for every write of the table, and a replay's cost is its writes.
 *
 * <p>A row's due time is a lower bound given by the table's rules: before it, a tick decides nothing for the row.
 * One due at or before a tick's time is visited; when the tick changes it, its new due time moves it.
 */
public final class DueIndex {

    private record Due(long millis, String key) implements Comparable<Due> {
        @Override
        public int compareTo(Due o) {
            int byTime = Long.compare(millis, o.millis);
            return byTime != 0 ? byTime : key.compareTo(o.key);
        }
    }

    private NavigableSet<Due> byTime;
    private Map<String, Due> byKey;

    /** Whether it was built since the processor was (re)initialised. */
    public boolean isBuilt() {
        return byTime != null;
    }

    /** Forgets everything: the processor's store may have been restored to another state (its task revived). */
    public void reset() {
        byTime = null;
        byKey = null;
    }

    /** Builds it from the whole table, once per (re)initialisation: the one tick that reads every row. */
    public <V> void build(KeyValueStore<String, V> table, Function<V, Instant> dueOf) {
        byTime = new TreeSet<>();
        byKey = new HashMap<>();
        try (KeyValueIterator<String, V> all = table.all()) {
            while (all.hasNext()) {
                var row = all.next();
                set(row.key, dueOf.apply(row.value));
            }
        }
    }

    /**
     * A row's due time after a write of the table or a tick's look at it (null: not due at all, or the row is gone).
     * Before the index is built, nothing: the build reads the table as it is then.
     */
    public void set(String key, Instant at) {
        if (byTime == null) {
            return;
        }
        Due now = at == null ? null : new Due(millisOf(at), key);
        Due before = now == null ? byKey.remove(key) : byKey.put(key, now);
        if (before != null) {
            byTime.remove(before);
        }
        if (now != null) {
            byTime.add(now);
        }
    }

    /** The keys of the rows due at or before {@code now}, the earliest first (the same times by key). */
    public List<String> dueBy(Instant now) {
        return dueBy(now, Integer.MAX_VALUE);
    }

    /** The first {@code max} of {@link #dueBy(Instant)}. */
    public List<String> dueBy(Instant now, int max) {
        if (byTime == null) {
            throw new IllegalStateException("the due index is built at the first tick, before it is asked");
        }
        List<String> keys = new ArrayList<>();
        for (Due d : byTime.headSet(new Due(millisOf(now), "\uffff"), true)) {
            if (keys.size() == max) {
                break;
            }
            keys.add(d.key());
        }
        return keys;
    }

    /** How many rows have a due time. */
    public int size() {
        return byKey == null ? 0 : byKey.size();
    }

    /**
     * The millisecond a due time falls in, rounded down (a row is visited up to a millisecond early, never late), an
     * instant beyond what milliseconds since 1970 can count taken as the farthest they can.
     */
    private static long millisOf(Instant t) {
        try {
            return t.toEpochMilli();
        } catch (ArithmeticException e) {
            return t.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
