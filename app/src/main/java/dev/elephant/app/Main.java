package dev.elephant.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code elephant} command. */
@Command(name = "elephant", mixinStandardHelpOptions = true, version = "elephant 0.1.0",
        description = "Cloud machine lifecycle to DNS records and meeting links, on Kafka Streams.",
        subcommands = {DevCommand.class, RunCommand.class, ReplayCommand.class, AuditCommand.class, AwsCommand.class,
                StandinsCommand.class, CertCommand.class, HostsCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Read before anything logs: Logback picks its configuration once, at the first logger. */
    @CommandLine.Option(names = "--log-format", scope = CommandLine.ScopeType.INHERIT, defaultValue = "text",
            description = "text or json (one JSON object per line, for log pipelines).")
    String logFormat;

    public static void main(String[] args) {
        String format = logFormat(args);
        if (!format.equals("text") && !format.equals("json")) {
            System.err.println("elephant: --log-format must be text or json");
            System.exit(2);
        }
        if (format.equals("json")) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        }
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // One clear line instead of a stack trace; the cause chain is in the log at debug level.
            commandLine.getErr().println("elephant: " + e.getMessage());
            org.slf4j.LoggerFactory.getLogger(Main.class).debug("failed", e);
            return 1;
        });
        System.exit(cli.execute(args));
    }

    private static String logFormat(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--log-format") && i + 1 < args.length) {
                return args[i + 1];
            }
            if (args[i].startsWith("--log-format=")) {
                return args[i].substring("--log-format=".length());
            }
        }
        return "text";
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
