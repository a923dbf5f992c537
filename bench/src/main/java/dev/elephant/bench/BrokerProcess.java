package dev.elephant.bench;

import dev.elephant.standins.kafka.EmbeddedKafkaBroker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Kafka broker (KRaft, one node) in a JVM of its own, as Elephant meets Kafka in production (Amazon MSK or
 * any cluster): its heap, its garbage collector and its JIT compiler are not Elephant's. Both processes still share
 * the machine's cores, so a benchmark's figures include the broker's work, but a profile of Elephant's JVM is
 * Elephant's alone. The child is the same {@link EmbeddedKafkaBroker} the tests and {@code dev} use, started by
 * {@link #main} from this module's classpath; it stops when its standard input closes, so it never outlives the
 * benchmark.
 */
final class BrokerProcess implements BenchBroker {

    private static final String READY = "broker ready on ";

    private final Process process;
    private final String bootstrapServers;

    private BrokerProcess(Process process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts the broker's JVM with {@code heap} (e.g. {@code 1g}) and waits until it answers. */
    static BrokerProcess start(Path dataDir, String heap) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                BrokerProcess.class.getName(), dataDir.toString()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(READY)) {
                return new BrokerProcess(p, line.substring(READY.length()).trim());
            }
        }
        p.waitFor(10, TimeUnit.SECONDS);
        throw new IOException("the broker's JVM ended before it was ready (exit " + p.exitValue() + ")");
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            process.destroy();
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** The child: {@code BrokerProcess <data dir>}; prints where it listens and runs until its stdin closes. */
    public static void main(String[] args) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Path.of(args[0]), Ports.free(), Ports.free(),
                Duration.ofSeconds(90))) {
            System.out.println(READY + broker.bootstrapServers());
            System.out.flush();
            while (System.in.read() >= 0) {
                // nothing is sent; the benchmark closing the pipe (or ending) is the signal to stop
            }
        }
    }
}
