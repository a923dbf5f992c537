package dev.elephant.bench;

import dev.elephant.app.dev.DevStack;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.events.Secret;
import dev.elephant.topology.common.TopologyConfig;
import java.io.IOException;
import java.time.Duration;

/**
 * The dev stack as the benchmarks run it: a fresh data directory, free Kafka ports, every other port chosen by the
 * system, domain {@code elephant.test}, 3 partitions, EC2 transitions of 1 s, reconciliation and sweep hourly (so
 * neither runs inside a measurement).
 */
final class BenchStack {

    private BenchStack() {}

    /** @param name names the data directory ({@code elephant-bench-NAME…}) */
    static DevStack.Options options(String name, String ingestKey) throws IOException {
        return new DevStack.Options(ScratchDirs.create("elephant-bench-" + name), null, "127.0.0.1",
                Ports.free(), Ports.free(), 0, 0, 0, 0, "elephant.test", "X-Elephant-Key",
                Secret.of(ingestKey), null, null, ProjectFilter.defaults(), TopologyConfig.DEFAULT_LINK_TEMPLATE,
                "bench", "elephant.", "elephant-bench", 3, Duration.ofSeconds(1), Duration.ofHours(1),
                Duration.ofHours(1), null, null);
    }

    /** Prints the lines of Elephant's {@code /metrics} whose meter starts with one of {@code prefixes}. */
    static void printMeters(DevStack stack, String... prefixes) throws IOException, InterruptedException {
        java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(stack.opsUrl().resolve("/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        for (String line : metrics.body().split("\n")) {
            for (String prefix : prefixes) {
                if (line.startsWith(prefix)) {
                    System.out.println("  " + line);
                }
            }
        }
    }
}
