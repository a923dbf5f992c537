package dev.elephant.app;

import dev.elephant.app.config.RunConfig;
import dev.elephant.app.config.SecretsManagerReader;
import dev.elephant.app.runtime.Elephant;
import dev.elephant.app.runtime.ElephantSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elephant run}: production, against an existing Kafka (or MSK) cluster, AWS and Cloudflare. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs Elephant against an existing Kafka cluster, AWS and Cloudflare.",
                "Every setting can come from the YAML file or an ELEPHANT_… environment variable (see README)."})
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", description = "YAML configuration file (optional when the environment sets everything).")
    Path config;

    @Option(names = "--dry-run", description = "The DNS sink plans every write and audits it as dry-run on dns-mutations, "
            + "but sends none to the provider (same as dns.dryRun: true).")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        if (dryRun) {
            env.put("ELEPHANT_DNS_DRY_RUN", "true");
        }
        ElephantSettings settings = loadOrReport(config, env, spec.commandLine().getErr());
        if (settings == null) {
            return 2;
        }
        runUntilStopped(Elephant.start(settings));
        return 0;
    }

    /** The settings, or null after printing every problem of the configuration. */
    static ElephantSettings loadOrReport(Path config, PrintWriter err) throws java.io.IOException {
        return loadOrReport(config, System.getenv(), err);
    }

    static ElephantSettings loadOrReport(Path config, Map<String, String> env, PrintWriter err)
            throws java.io.IOException {
        try {
            return RunConfig.load(config, env, new SecretsManagerReader());
        } catch (RunConfig.Invalid e) {
            err.println("elephant: the configuration has " + e.problems().size() + " problem(s):");
            e.problems().forEach(p -> err.println("  - " + p));
            err.flush();
            return null;
        }
    }

    /** Blocks until the process is asked to stop (SIGTERM, Ctrl-C), then stops Elephant cleanly. */
    static void runUntilStopped(Elephant elephant) throws InterruptedException {
        ShutdownHook.closeOnShutdown(elephant::close).await();
    }
}
