package dev.elephant.bench;

import dev.elephant.standins.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** A benchmark's broker, in a JVM of its own ({@link BrokerProcess}) or in the benchmark's. */
interface BenchBroker extends AutoCloseable {

    String bootstrapServers();

    /**
     * The broker a benchmark runs against: in its own JVM unless {@code -Dbroker=in-process} asks for the benchmark's
     * (as every
     * figure in docs/BENCHMARKS.md taken before this option existed was).
     */
    static BenchBroker forBenchmark(Path dataDir) throws IOException, InterruptedException {
        if ("in-process".equals(System.getProperty("broker"))) {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, Ports.free(), Ports.free(),
                    Duration.ofSeconds(90));
            return new BenchBroker() {
                @Override
                public String bootstrapServers() {
                    return broker.bootstrapServers();
                }

                @Override
                public void close() {
                    broker.close();
                }
            };
        }
        return BrokerProcess.start(dataDir, "2g");
    }
}
