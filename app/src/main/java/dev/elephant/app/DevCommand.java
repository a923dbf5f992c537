package dev.elephant.app;

import dev.elephant.app.dev.DevStack;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.events.Secret;
import dev.elephant.events.Topics;
import dev.elephant.topology.TopologyConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elephant dev}: the whole pipeline on one machine, no cloud account, no Docker. */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = {"Runs Elephant with an embedded Kafka broker (KRaft) and the local AWS and Cloudflare stand-ins.",
                "Stop with Ctrl-C; a later run on the same --data-dir resumes where this one stopped."})
final class DevCommand implements Callable<Integer> {

    static final String DEV_INGEST_KEY = "elephant-dev";

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = ".elephant", description = "Where Kafka, the stand-ins and the state stores keep their data (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Kafka broker port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--controller-port", defaultValue = "9093", description = "Kafka KRaft controller port (default: ${DEFAULT-VALUE}).")
    int controllerPort;

    @Option(names = "--aws-port", defaultValue = "4566", description = "Local AWS (EC2 Query API) port (default: ${DEFAULT-VALUE}).")
    int awsPort;

    @Option(names = "--cloudflare-port", defaultValue = "8787", description = "Local Cloudflare API port (default: ${DEFAULT-VALUE}).")
    int cloudflarePort;

    @Option(names = "--dns-port", defaultValue = "5353", description = "DNS port (UDP and TCP) answering the local zone (default: ${DEFAULT-VALUE}).")
    int dnsPort;

    @Option(names = "--http-port", defaultValue = "8080", description = "Elephant's HTTP API port (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--domain", defaultValue = "elephant.test", description = "The managed DNS domain (default: ${DEFAULT-VALUE}).")
    String domain;

    @Option(names = "--ingest-key", description = "The key callers of /v1/eventbridge and /v1/meetings must send (default in dev: " + DEV_INGEST_KEY + ").")
    String ingestKey;

    @Option(names = "--ingest-key-header", defaultValue = "X-Elephant-Key", description = "The header that carries the ingest key (default: ${DEFAULT-VALUE}).")
    String ingestKeyHeader;

    @Option(names = "--project-tag", defaultValue = "Project=Elephant", description = "Only instances with this tag get a record (default: ${DEFAULT-VALUE}).")
    String projectTag;

    @Option(names = "--link-template", defaultValue = TopologyConfig.DEFAULT_LINK_TEMPLATE, description = "A role's link (default: ${DEFAULT-VALUE}).")
    String linkTemplate;

    @Option(names = "--owner-id", defaultValue = "dev", description = "Names this deployment in the mark on every record it owns (default: ${DEFAULT-VALUE}).")
    String ownerId;

    @Option(names = "--transition-delay", defaultValue = "PT1S", description = "How long the EC2 stand-in's pending, stopping and shutting-down last, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration transitionDelay;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        int eq = projectTag.indexOf('=');
        if (eq <= 0 || eq == projectTag.length() - 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--project-tag must be KEY=VALUE");
        }
        boolean defaultKey = ingestKey == null;
        DevStack.Options options = new DevStack.Options(dataDir, null, kafkaPort, controllerPort, awsPort,
                cloudflarePort, dnsPort, httpPort, domain, ingestKeyHeader, Secret.of(defaultKey ? DEV_INGEST_KEY : ingestKey),
                new ProjectFilter(projectTag.substring(0, eq), projectTag.substring(eq + 1)), linkTemplate, ownerId,
                Topics.DEFAULT_PREFIX, "elephant", 3, transitionDelay);
        out.println("Starting Elephant dev (data in " + dataDir.toAbsolutePath() + ") …");
        out.flush();
        DevStack stack = DevStack.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }, "elephant-shutdown"));
        out.println();
        out.println("Elephant dev is running:");
        out.println("  Kafka (KRaft)      " + stack.bootstrapServers());
        out.println("  AWS EC2 stand-in   " + stack.aws().endpoint());
        out.println("  Cloudflare API     " + stack.cloudflare().apiBaseUrl() + "  (zone " + domain + ", id "
                + stack.cloudflare().zoneId() + ")");
        out.println("  DNS                127.0.0.1:" + stack.cloudflare().dnsPort() + " (UDP+TCP)");
        out.println("  Elephant API       " + stack.apiUrl());
        out.println("  Ingest header      " + ingestKeyHeader + (defaultKey
                ? " (dev default key '" + DEV_INGEST_KEY + "'; set --ingest-key for anything shared)" : ""));
        out.println();
        out.println("Try:  aws --endpoint-url " + stack.aws().endpoint() + " ec2 run-instances --image-id ami-12345678 "
                + "--tag-specifications 'ResourceType=instance,Tags=[{Key=Project,Value=Elephant}]'");
        out.println("      dig @127.0.0.1 -p " + stack.cloudflare().dnsPort() + " +short i-….elephant.test");
        out.println("Ctrl-C stops.");
        out.flush();
        stopped.await();
        return 0;
    }
}
