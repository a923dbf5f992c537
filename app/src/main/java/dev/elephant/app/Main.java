package dev.elephant.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code elephant} command. */
@Command(name = "elephant", mixinStandardHelpOptions = true, version = "elephant 0.1.0",
        description = "Cloud machine lifecycle to DNS records and meeting links, on Kafka Streams.",
        subcommands = {DevCommand.class, RunCommand.class, AuditCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // One clear line instead of a stack trace; the cause chain is in the log at debug level.
            commandLine.getErr().println("elephant: " + e.getMessage());
            org.slf4j.LoggerFactory.getLogger(Main.class).debug("failed", e);
            return 1;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
