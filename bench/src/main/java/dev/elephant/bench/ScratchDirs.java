package dev.elephant.bench;

import dev.elephant.app.runtime.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
            try {
                Directories.deleteRecursively(dir);
            } catch (IOException e) {
                System.err.println("could not delete " + dir + ": " + e);
            }
        }
    }
}
