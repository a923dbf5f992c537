package dev.elephant.topology.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class DueIndexTest {

    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    /** A table of due times in seconds after T0 (a negative one: not due). */
    private static KeyValueStore<String, Long> table(Object... keysAndSeconds) {
        KeyValueStore<String, Long> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("table"),
                Serdes.String(), Serdes.Long()).withLoggingDisabled().build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        for (int i = 0; i < keysAndSeconds.length; i += 2) {
            store.put((String) keysAndSeconds[i], ((Number) keysAndSeconds[i + 1]).longValue());
        }
        return store;
    }

    private static Instant dueOf(Long seconds) {
        return seconds < 0 ? null : T0.plusSeconds(seconds);
    }

    @Test
    void aTickGetsTheRowsDueAtOrBeforeItsTimeTheEarliestFirstAndTheSameTimesByKey() {
        DueIndex index = new DueIndex();
        index.build(table("c", 10, "a", 10, "b", 5, "d", 11, "kept", -1), DueIndexTest::dueOf);
        assertThat(index.dueBy(T0.plusSeconds(4))).isEmpty();
        assertThat(index.dueBy(T0.plusSeconds(10))).containsExactly("b", "a", "c");
        assertThat(index.dueBy(T0.plusSeconds(3600))).containsExactly("b", "a", "c", "d");
        assertThat(index.dueBy(T0.plusSeconds(3600), 2)).containsExactly("b", "a");
        assertThat(index.size()).isEqualTo(4);
    }

    @Test
    void aRowMovesWithEachSetAndLeavesWithNull() {
        DueIndex index = new DueIndex();
        index.build(table("a", 10, "b", 20), DueIndexTest::dueOf);
        index.set("a", T0.plusSeconds(30));
        index.set("b", null);
        index.set("c", T0.plusSeconds(1));
        assertThat(index.dueBy(T0.plusSeconds(25))).containsExactly("c");
        assertThat(index.dueBy(T0.plusSeconds(30))).containsExactly("c", "a");
        assertThat(index.size()).isEqualTo(2);
    }

    @Test
    void beforeItIsBuiltSetsAreLeftToTheBuildAndATickCannotAskIt() {
        DueIndex index = new DueIndex();
        index.set("a", T0);
        assertThat(index.isBuilt()).isFalse();
        assertThatThrownBy(() -> index.dueBy(T0)).isInstanceOf(IllegalStateException.class);
        index.build(table("b", 0), DueIndexTest::dueOf);
        assertThat(index.dueBy(T0)).containsExactly("b");
        index.reset();
        assertThat(index.isBuilt()).isFalse();
    }

    @Test
    void timesBeyondWhatMillisecondsCountSortAtTheEnds() {
        DueIndex index = new DueIndex();
        index.build(table(), DueIndexTest::dueOf);
        index.set("far", Instant.MAX);
        index.set("long-ago", Instant.MIN);
        assertThat(index.dueBy(T0)).containsExactly("long-ago");
    }
}
