package dev.elephant.app;

import dev.elephant.app.dev.DevStack;
import dev.elephant.standins.aws.AwsStandIn;
import dev.elephant.standins.cloudflare.CloudflareStandIn;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The local AWS and Cloudflare stand-ins on their own, for an {@code elephant run} in another process or
 * container (docker-compose.yml's {@code standins} profile). It reads the same {@code ELEPHANT_…}
 * variables that {@code elephant run} does, so one environment configures both sides alike.
 */
@Command(name = "standins", mixinStandardHelpOptions = true,
        description = "Run the local AWS (EC2, ECS DescribeTasks, EventBridge, Secrets Manager) and Cloudflare (API and DNS) "
                + "stand-ins for an `elephant run` elsewhere; Ctrl-C stops them.")
final class StandinsCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = "${env:ELEPHANT_DATA_DIR:-.elephant-standins}",
            description = "Where the stand-ins keep their instances and records (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--bind", defaultValue = "${env:ELEPHANT_BIND:-127.0.0.1}",
            description = "The address the stand-ins listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 in a container).")
    String bind;

    @Option(names = "--aws-port", defaultValue = "${env:ELEPHANT_AWS_PORT:-4566}", description = "AWS port (default: ${DEFAULT-VALUE}).")
    int awsPort;

    @Option(names = "--cloudflare-port", defaultValue = "${env:ELEPHANT_CLOUDFLARE_PORT:-8787}", description = "Cloudflare API port (default: ${DEFAULT-VALUE}).")
    int cloudflarePort;

    @Option(names = "--dns-port", defaultValue = "${env:ELEPHANT_DNS_PORT:-5353}", description = "DNS port, UDP and TCP (default: ${DEFAULT-VALUE}).")
    int dnsPort;

    @Option(names = "--domain", defaultValue = "${env:ELEPHANT_DOMAIN}", description = "The zone the Cloudflare stand-in serves (ELEPHANT_DOMAIN).")
    String domain;

    @Option(names = "--zone-id", defaultValue = "${env:ELEPHANT_CLOUDFLARE_ZONE_ID}",
            description = "The zone's id (ELEPHANT_CLOUDFLARE_ZONE_ID; default: derived from the domain, as in `elephant dev`).")
    String zoneId;

    @Option(names = "--cloudflare-token", defaultValue = "${env:ELEPHANT_CLOUDFLARE_TOKEN}",
            description = "The API token the Cloudflare stand-in accepts (ELEPHANT_CLOUDFLARE_TOKEN; prefer the variable).")
    String cloudflareToken;

    @Option(names = "--deliver-to", defaultValue = "${env:ELEPHANT_STANDINS_DELIVER_TO}",
            description = "Where the EventBridge stand-in POSTs EC2 events until `elephant aws install` routes them "
                    + "(ELEPHANT_STANDINS_DELIVER_TO), e.g. http://elephant:8080/v1/eventbridge.")
    URI deliverTo;

    @Option(names = "--ingest-key-header", defaultValue = "${env:ELEPHANT_INGEST_KEY_HEADER:-X-Elephant-Key}",
            description = "The header the deliveries carry the ingest key in (default: ${DEFAULT-VALUE}).")
    String ingestKeyHeader;

    @Option(names = "--ingest-key", defaultValue = "${env:ELEPHANT_INGEST_KEY}",
            description = "The ingest key the deliveries carry (ELEPHANT_INGEST_KEY; prefer the variable).")
    String ingestKey;

    @Option(names = "--transition-delay", defaultValue = "${env:ELEPHANT_TRANSITION_DELAY:-PT1S}",
            description = "How long the EC2 stand-in's pending, stopping and shutting-down last, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration transitionDelay;

    @Override
    public Integer call() throws Exception {
        if (domain == null || cloudflareToken == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "the stand-ins need the zone's domain "
                    + "(--domain or ELEPHANT_DOMAIN) and the token to accept (ELEPHANT_CLOUDFLARE_TOKEN)");
        }
        if (deliverTo != null && ingestKey == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--deliver-to needs the ingest key Elephant expects: set ELEPHANT_INGEST_KEY");
        }
        PrintWriter out = spec.commandLine().getOut();
        String zone = zoneId != null ? zoneId : DevStack.zoneIdFor(domain);
        CloudflareStandIn cloudflare = CloudflareStandIn.start(CloudflareStandIn.Settings.freePlan(bind, cloudflarePort,
                dnsPort, zone, domain, cloudflareToken, dataDir.resolve("cloudflare/zone.json")));
        AwsStandIn aws;
        try {
            aws = AwsStandIn.start(new AwsStandIn.Settings(bind, awsPort, "us-east-1", deliverTo, null, ingestKeyHeader,
                    ingestKey, transitionDelay, dataDir.resolve("aws/ec2.json")));
        } catch (java.io.IOException | RuntimeException e) {
            cloudflare.close();
            throw e;
        }
        CountDownLatch stopped = ShutdownHook.closeOnShutdown(() -> {
            aws.close();
            cloudflare.close();
        });
        out.println("Elephant's stand-ins are running:");
        out.println("  AWS (EC2, ECS, EventBridge, Secrets Manager)  " + aws.endpoint());
        out.println("  Cloudflare API                                " + cloudflare.apiBaseUrl() + "  (zone " + domain
                + ", id " + zone + ")");
        out.println("  DNS                                           port " + cloudflare.dnsPort() + " (UDP+TCP)");
        out.println("  EC2 events go to                              "
                + (deliverTo != null ? deliverTo : "where `elephant aws install` routes them"));
        out.println("Ctrl-C stops.");
        out.flush();
        stopped.await();
        return 0;
    }
}
