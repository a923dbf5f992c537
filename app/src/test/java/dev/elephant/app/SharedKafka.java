package dev.elephant.app;

import dev.elephant.app.dev.FreePort;
import dev.elephant.app.runtime.Directories;
import dev.elephant.standins.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One real Kafka broker (KRaft) for the whole test JVM: started by the first test that asks, stopped
 * when the JVM exits. Tests isolate themselves with their own topic prefix and application id.
 */
public final class SharedKafka {

    private static EmbeddedKafkaBroker broker;

    private SharedKafka() {}

    public static synchronized String bootstrapServers() {
        if (broker == null) {
            Path dir;
            try {
                dir = Files.createTempDirectory("elephant-test-kafka");
                broker = EmbeddedKafkaBroker.start(dir, FreePort.find(), FreePort.find(), Duration.ofSeconds(90));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // The broker's logs go with it: a suite's run leaves tens of megabytes, and runs add up.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                broker.close();
                try {
                    Directories.deleteRecursively(dir);
                } catch (IOException e) {
                    System.err.println("could not delete " + dir + ": " + e);
                }
            }, "shared-kafka-stop"));
        }
        return broker.bootstrapServers();
    }
}
