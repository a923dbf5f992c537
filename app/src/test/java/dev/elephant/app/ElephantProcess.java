package dev.elephant.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code elephant …} in a JVM of its own, as an operator runs it: the test's classpath, the given
 * environment, its output in a file. {@link #kill()} is SIGKILL — no shutdown hook, no flush, no
 * goodbye — and {@link #stop()} is SIGTERM.
 */
final class ElephantProcess implements AutoCloseable {

    private final Process process;
    private final Path output;

    private ElephantProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    static ElephantProcess start(Path output, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath(),
                "dev.elephant.app.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        // Only what the test says: nothing of the developer's own ELEPHANT_… or AWS_… settings.
        builder.environment().keySet().removeIf(k -> k.startsWith("ELEPHANT_") || k.startsWith("AWS_"));
        builder.environment().putAll(env);
        return new ElephantProcess(builder.start(), output);
    }

    /**
     * {@code elephant run --config} as the crash tests start it again and again: the ingest key and Cloudflare token in
     * the environment, AWS credentials for the stand-in, and a short Kafka session, since a killed member holds its
     * partitions until its session times out (45 s by default).
     *
     * @param extra more of the environment
     */
    static ElephantProcess run(Path output, Path config, String ingestKey, String cloudflareToken,
                               Map<String, String> extra) throws IOException {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "ELEPHANT_INGEST_KEY", ingestKey,
                "ELEPHANT_CLOUDFLARE_TOKEN", cloudflareToken,
                "AWS_ACCESS_KEY_ID", "elephant-process",
                "AWS_SECRET_ACCESS_KEY", "elephant-process",
                "ELEPHANT_KAFKA_SESSION_TIMEOUT_MS", "6000",
                "ELEPHANT_KAFKA_HEARTBEAT_INTERVAL_MS", "1500"));
        env.putAll(extra);
        return start(output, env, "run", "--config", config.toString());
    }

    /** Surefire runs tests from a manifest-only jar; the real classpath is in this property then. */
    private static String classpath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** Waits until the output contains {@code text}; fails early when the process ends first. */
    void awaitOutput(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (output().contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("elephant exited with " + process.exitValue() + " before printing '" + text
                        + "':\n" + tail());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("elephant did not print '" + text + "' within " + timeout + ":\n" + tail());
    }

    String output() throws IOException {
        return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
    }

    private String tail() throws IOException {
        String all = output();
        return all.substring(Math.max(0, all.length() - 4000));
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Kills this process from inside a stand-in: {@code arm} installs the hook the stand-in runs after a call took
     * effect and before its answer leaves (null uninstalls it); {@code trigger} then makes such a call happen.
     *
     * @return true when the kill happened in that window within {@code wait}; false when no call came (the process
     *         is killed all the same)
     */
    boolean killInsideCall(java.util.function.Consumer<Runnable> arm, Trigger trigger, Duration wait) throws Exception {
        java.util.concurrent.CountDownLatch killed = new java.util.concurrent.CountDownLatch(1);
        arm.accept(() -> {
            if (killed.getCount() > 0) {
                try {
                    kill();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                killed.countDown();
            }
        });
        trigger.run();
        boolean inWindow = killed.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        arm.accept(null);
        if (!inWindow) {
            kill();
        }
        return inWindow;
    }

    /** What makes the call happen that the kill waits for. */
    interface Trigger {
        void run() throws Exception;
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, and the exit code once it stopped. */
    int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("elephant did not stop within " + timeout + " of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
