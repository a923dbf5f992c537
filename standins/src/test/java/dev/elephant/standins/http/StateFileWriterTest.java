package dev.elephant.standins.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.events.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stand-in's large state is written off the changing threads, yet a caller can wait until its change is on disk. */
class StateFileWriterTest {

    @TempDir
    Path dir;

    @Test
    void aChangeIsOnDiskWhenAwaitWrittenReturnsAndManyChangesShareOneWrite() throws Exception {
        Path file = dir.resolve("state.json");
        List<Integer> state = new CopyOnWriteArrayList<>();
        AtomicInteger writes = new AtomicInteger();
        try (StateFile.Writer writer = new StateFile.Writer(file, "test state", () -> {
            writes.incrementAndGet();
            return List.copyOf(state);
        }, Duration.ofMillis(100))) {
            for (int i = 0; i < 500; i++) {
                state.add(i);
                writer.changed();
            }
            writer.awaitWritten();
            assertThat(Json.mapper().readTree(file.toFile()).size()).as("every change before the wait").isEqualTo(500);
            assertThat(writes.get()).as("500 changes, a few writes").isLessThan(10);

            state.add(500);
            writer.changed();
        }
        assertThat(Json.mapper().readTree(Files.readAllBytes(file)).size()).as("the last change, written on close")
                .isEqualTo(501);
    }
}
