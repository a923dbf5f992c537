package dev.elephant.standins.http;

import dev.elephant.events.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Where a stand-in keeps its state across restarts: a JSON file replaced atomically, never half-written. */
public final class StateFile {

    private StateFile() {}

    public static void write(Path file, Object state, String what) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Json.mapper().writeValue(tmp.toFile(), state);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + what + " to " + file, e);
        }
    }

    /**
     * Writes a stand-in's state off the threads that change it, for state too large to write at every change (an EC2
     * fleet of thousands of instances, changing many times a second). A change marks the state changed; one thread
     * writes the latest state, at most every {@code minInterval}; a caller that must know its change is on disk
     * before it answers waits for the write that follows it, and concurrent changes share that write.
     */
    public static final class Writer implements AutoCloseable {

        private final Path file;
        private final String what;
        private final java.util.function.Supplier<Object> snapshot;
        private final long minIntervalNanos;
        private final Thread thread;
        private long changes;
        private long written;
        private boolean closed;

        /** @param snapshot the state as it is now, taken under the owner's lock */
        public Writer(Path file, String what, java.util.function.Supplier<Object> snapshot,
                      java.time.Duration minInterval) {
            this.file = file;
            this.what = what;
            this.snapshot = snapshot;
            this.minIntervalNanos = minInterval.toNanos();
            this.thread = new Thread(this::run, "standin-state-writer");
            thread.setDaemon(true);
            thread.start();
        }

        /** The state changed: it is written soon. */
        public synchronized void changed() {
            changes++;
            notifyAll();
        }

        /** Blocks until every change made before this call is on disk. */
        public synchronized void awaitWritten() {
            long mine = changes;
            while (written < mine && !closed) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private void run() {
            while (true) {
                long upTo;
                synchronized (this) {
                    while (written == changes && !closed) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    if (written == changes) {
                        return; // closed, and everything is written
                    }
                    upTo = changes;
                }
                long start = System.nanoTime();
                try {
                    write(file, snapshot.get(), what);
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(StateFile.class).warn("{}", e.getMessage());
                }
                synchronized (this) {
                    written = Math.max(written, upTo);
                    notifyAll();
                }
                long rest = minIntervalNanos - (System.nanoTime() - start);
                if (rest > 0) {
                    try {
                        Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }

        /** Writes what changed last and stops. */
        @Override
        public void close() {
            synchronized (this) {
                closed = true;
                notifyAll();
            }
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
