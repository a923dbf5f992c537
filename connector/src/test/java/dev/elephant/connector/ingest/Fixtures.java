package dev.elephant.connector.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The EventBridge samples in ../shared/fixtures/eventbridge, found from wherever the test runs. */
final class Fixtures {

    private Fixtures() {}

    static byte[] eventBridge(String name) {
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
