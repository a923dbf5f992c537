package dev.elephant.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Temporary directories for a benchmark's broker logs and state, deleted when the JVM ends (normally or on Ctrl-C): a
 * replay run writes about a gigabyte, a topology run two and a half, and left behind they filled the machine's disk.
 */
final class ScratchDirs {

    private static final List<Path> CREATED = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ScratchDirs::deleteAll, "bench-scratch-cleanup"));
    }

    private ScratchDirs() {}

    /** A new empty directory under the system's temporary directory, named with {@code prefix}. */
    static synchronized Path create(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            CREATED.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory " + prefix + "…", e);
        }
    }

    private static synchronized void deleteAll() {
        for (Path dir : CREATED) {
            try (Stream<Path> tree = Files.walk(dir)) {
                tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                System.err.println("could not delete " + dir + ": " + e);
            }
        }
    }
}
