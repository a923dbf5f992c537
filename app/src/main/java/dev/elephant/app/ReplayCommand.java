package dev.elephant.app;

import dev.elephant.app.replay.ReplayReset;
import dev.elephant.app.runtime.Closer;
import dev.elephant.app.runtime.DnsProviders;
import dev.elephant.app.runtime.Elephant;
import dev.elephant.app.runtime.ElephantSettings;
import dev.elephant.sinks.dns.PlanPreview;
import dev.elephant.sinks.dns.plan.DnsPlanner;
import dev.elephant.sinks.dns.plan.OwnershipMark;
import dev.elephant.sinks.dns.provider.DnsProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code elephant replay}: rebuilds every table from the retained log and runs on, letting the DNS
 * sink converge once the topology has caught up. Against a provider that already matches it makes
 * no provider write. With {@code --dry-run} it prints what it would reset and the DNS plan, and
 * changes nothing.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Rebuilds Elephant's tables from the retained log (every Elephant instance must be stopped),",
                "then runs as `elephant run` does. --dry-run prints the reset and the DNS plan and changes nothing."})
final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", description = "YAML configuration file, as for `elephant run`.")
    Path config;

    /** Refused with the reason, for those who used it: a part of the log cannot rebuild the tables. */
    @Option(names = "--from", hidden = true)
    String from;

    static final String FROM_REFUSED = "--from is not supported: the tables are a function of the whole log. "
            + "Replayed from a time T, an instance running since before T is in none of the events read, so its "
            + "record would never be deleted when it terminates, and a meeting scheduled before T would be "
            + "unknown. Replay the whole log (no --from): against a provider that already matches it makes no "
            + "provider write.";

    @Option(names = "--dry-run", description = "Print what would be reset and the DNS plan; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (from != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), FROM_REFUSED);
        }
        ElephantSettings settings = RunCommand.loadOrReport(config, err);
        if (settings == null) {
            return 2;
        }
        new ReplayReset(settings, out).reset(dryRun);
        if (dryRun) {
            printPlan(settings, out);
            out.flush();
            return 0;
        }
        out.flush();
        RunCommand.runUntilStopped(Elephant.start(settings, true));
        return 0;
    }

    static void printPlan(ElephantSettings settings, PrintWriter out) throws Exception {
        OwnershipMark mark = new OwnershipMark(settings.ownerId());
        // The same provider as `run` gets, request budget included: a plan costs reads under the same limit.
        List<String> lines;
        String desired = settings.topics().names().dnsDesired();
        try (Closer closer = new Closer()) {
            DnsProvider provider = DnsProviders.configured(settings, new SimpleMeterRegistry(), Clock.systemUTC(),
                    closer);
            lines = PlanPreview.describe(PlanPreview.preview(settings.kafka().properties(), desired, provider,
                    new DnsPlanner(mark, settings.topology().domain()), mark));
        }
        out.println("DNS plan against the desired state on " + desired + ":");
        if (lines.isEmpty()) {
            out.println("  no change: the provider already matches");
        }
        lines.forEach(l -> out.println("  " + l));
    }
}
