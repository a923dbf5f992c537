package dev.elephant.standins.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
}
