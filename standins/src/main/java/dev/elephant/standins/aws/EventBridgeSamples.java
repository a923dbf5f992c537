package dev.elephant.standins.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elephant.events.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The EventBridge samples the project shares in {@code shared/fixtures/eventbridge} (beside the
 * project's root), found from wherever a test runs.
 */
public final class EventBridgeSamples {

    private EventBridgeSamples() {}

    public static byte[] read(String name) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("shared/fixtures/eventbridge").resolve(name);
            if (Files.exists(candidate)) {
                try {
                    return Files.readAllBytes(candidate);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("shared/fixtures/eventbridge/" + name + " not found above the working directory");
    }

    /**
     * The sample as if it happened just now: its {@code time} set to the current second. Elephant orders by
     * event time and forgets what is long over, so a sample from weeks ago reads as a delivery of an instance's
     * history, not as what happens now.
     */
    public static ObjectNode readAsOfNow(String name) {
        try {
            ObjectNode event = (ObjectNode) Json.mapper().readTree(read(name));
            event.put("time", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            return event;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
