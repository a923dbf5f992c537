package dev.elephant.app;

import dev.elephant.app.dev.DevStack;
import dev.elephant.app.runtime.ElephantSettings;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.events.Secret;
import dev.elephant.events.Topics;
import dev.elephant.sinks.certificates.CertificateSettings;
import dev.elephant.sinks.certificates.KeyType;
import dev.elephant.standins.aws.Ec2RequestLimits;
import dev.elephant.topology.common.MachinePolicy;
import dev.elephant.topology.common.TopologyConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
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

    @Option(names = "--data-dir", defaultValue = "${env:ELEPHANT_DATA_DIR:-.elephant}", description = "Where Kafka, the stand-ins and the state stores keep their data (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--kafka-bootstrap", defaultValue = "${env:ELEPHANT_KAFKA_BOOTSTRAP}",
            description = "Use this Kafka cluster instead of starting an embedded broker (host:port,…).")
    String kafkaBootstrap;

    @Option(names = "--bind", defaultValue = "${env:ELEPHANT_BIND:-127.0.0.1}",
            description = "Address the HTTP API and the stand-ins listen on; 0.0.0.0 in a container (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--kafka-port", defaultValue = "${env:ELEPHANT_KAFKA_PORT:-9092}", description = "Kafka broker port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--controller-port", defaultValue = "${env:ELEPHANT_CONTROLLER_PORT:-9093}", description = "Kafka KRaft controller port (default: ${DEFAULT-VALUE}).")
    int controllerPort;

    @Option(names = "--aws-port", defaultValue = "${env:ELEPHANT_AWS_PORT:-4566}", description = "Local AWS (EC2 Query API) port (default: ${DEFAULT-VALUE}).")
    int awsPort;

    @Option(names = "--cloudflare-port", defaultValue = "${env:ELEPHANT_CLOUDFLARE_PORT:-8787}", description = "Local Cloudflare API port (default: ${DEFAULT-VALUE}).")
    int cloudflarePort;

    @Option(names = "--dns-port", defaultValue = "${env:ELEPHANT_DNS_PORT:-5353}", description = "DNS port (UDP and TCP) answering the local zone (default: ${DEFAULT-VALUE}).")
    int dnsPort;

    @Option(names = "--http-port", defaultValue = "${env:ELEPHANT_HTTP_PORT:-8080}", description = "Elephant's HTTP API port (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--ops-port", defaultValue = "${env:ELEPHANT_OPS_PORT:-8081}", description = "The operations listener's port: instance and meeting queries, /v1/health, /metrics (default: ${DEFAULT-VALUE}).")
    int opsPort;

    @Option(names = "--domain", defaultValue = "${env:ELEPHANT_DOMAIN:-elephant.test}", description = "The managed DNS domain (default: ${DEFAULT-VALUE}).")
    String domain;

    @Option(names = "--ingest-key", defaultValue = "${env:ELEPHANT_INGEST_KEY}", description = "The key callers of /v1/eventbridge and /v1/meetings must send (default in dev: " + DEV_INGEST_KEY + ").")
    String ingestKey;

    @Option(names = "--ingest-basic-user", defaultValue = "${env:ELEPHANT_INGEST_BASIC_USER}", description = "Also accept HTTP Basic auth with this user (an EventBridge connection can use Basic instead of an API key).")
    String basicUser;

    @Option(names = "--ingest-basic-password", defaultValue = "${env:ELEPHANT_INGEST_BASIC_PASSWORD}", description = "The HTTP Basic password; prefer the environment variable ELEPHANT_INGEST_BASIC_PASSWORD.")
    String basicPassword;

    @Option(names = "--ingest-key-header", defaultValue = "${env:ELEPHANT_INGEST_KEY_HEADER:-X-Elephant-Key}", description = "The header that carries the ingest key (default: ${DEFAULT-VALUE}).")
    String ingestKeyHeader;

    @Option(names = "--project-tag", defaultValue = "${env:ELEPHANT_PROJECT_TAG:-Project=Elephant}", description = "Only instances with this tag get a record (default: ${DEFAULT-VALUE}).")
    String projectTag;

    @Option(names = "--link-template", defaultValue = "${env:ELEPHANT_LINK_TEMPLATE:-" + TopologyConfig.DEFAULT_LINK_TEMPLATE + "}", description = "A role's link (default: ${DEFAULT-VALUE}).")
    String linkTemplate;

    @Option(names = "--owner-id", defaultValue = "${env:ELEPHANT_OWNER_ID:-dev}", description = "Names this deployment in the mark on every record it owns (default: ${DEFAULT-VALUE}).")
    String ownerId;

    @Option(names = "--transition-delay", defaultValue = "${env:ELEPHANT_TRANSITION_DELAY:-PT1S}", description = "How long the EC2 stand-in's pending, stopping and shutting-down last, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration transitionDelay;

    @Option(names = "--reconcile-interval", defaultValue = "${env:ELEPHANT_RECONCILE_INTERVAL:-PT10M}", description = "How often the DNS sink compares the whole zone with the desired state and repairs drift, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration reconcileInterval;

    @Option(names = "--sweep-interval", defaultValue = "${env:ELEPHANT_SWEEP_INTERVAL:-PT5M}", description = "How often the connector lists the project's EC2 instances to repair state changes EC2 never delivered, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration sweepInterval;

    @Option(names = "--address", defaultValue = "${env:ELEPHANT_ADDRESS:-public}",
            description = "Which address a record points at: public, or private for a zone served inside the VPC (default: ${DEFAULT-VALUE}).")
    String address;

    @Option(names = "--provider", defaultValue = "${env:ELEPHANT_DNS_PROVIDER:-cloudflare}",
            description = "The DNS provider Elephant writes to: cloudflare or route53, both local stand-ins (default: ${DEFAULT-VALUE}).")
    String provider;

    @Option(names = "--ec2-request-limits", defaultValue = "documented", description = "EC2's request rate limits "
            + "the EC2 stand-in enforces, per account as EC2 does: documented (the developer guide's token buckets: "
            + "Describe* 100 refilled at 20/s, RunInstances 5 at 2/s, …, answered RequestLimitExceeded) or off "
            + "(default: ${DEFAULT-VALUE}).")
    String ec2RequestLimits;

    @Option(names = "--launch-lead", defaultValue = "${env:ELEPHANT_LAUNCH_LEAD:-PT5M}", description = "How long before a meeting's start Elephant launches its instances (meetings scheduled with \"launch\"), ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration launchLead;

    @Option(names = "--reap-after", defaultValue = "${env:ELEPHANT_REAP_AFTER:-PT15M}", description = "The safety net: an instance of the project running this long with no meeting, or whose meeting is over or never became ready, is terminated (unless tagged elephant:keep=true); 'off' reaps nothing, ISO-8601 (default: ${DEFAULT-VALUE}).")
    String reapAfter;

    @Option(names = "--acme-directory", defaultValue = "${env:ELEPHANT_ACME_DIRECTORY}", description = "Obtain the wildcard certificate *.DOMAIN by ACME DNS-01 from this directory (a Pebble you started: https://127.0.0.1:14000/dir), stored in the stand-in's Secrets Manager as elephant/certificate.")
    URI acmeDirectory;

    @Option(names = "--acme-ca-cert", defaultValue = "${env:ELEPHANT_ACME_CA_CERT}", description = "A PEM CA certificate to trust for the ACME directory's own TLS (Pebble's is self-made).")
    Path acmeCaCert;

    @Option(names = "--tls-cert", defaultValue = "${env:ELEPHANT_TLS_CERT}", description = "Serve the HTTP API over HTTPS with this PEM certificate chain (an EventBridge API destination must be HTTPS).")
    Path tlsCert;

    @Option(names = "--tls-key", defaultValue = "${env:ELEPHANT_TLS_KEY}", description = "The PKCS#8 PEM private key of --tls-cert.")
    Path tlsKey;

    private Duration duration(String text, String option) {
        try {
            return Duration.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), option + " must be an ISO-8601 duration "
                    + "such as PT30S, or off, not '" + text + "'");
        }
    }

    private Duration positive(Duration d, String option) {
        if (d.isNegative() || d.isZero()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), option + " must be positive");
        }
        return d;
    }

    /** The certificate dev obtains when --acme-directory is given; retried sooner than in production. */
    private CertificateSettings certificates() {
        if (acmeDirectory == null) {
            if (acmeCaCert != null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--acme-ca-cert goes with --acme-directory");
            }
            return null;
        }
        String ca = null;
        if (acmeCaCert != null) {
            try {
                ca = Files.readString(acmeCaCert);
            } catch (IOException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--acme-ca-cert: cannot read "
                        + acmeCaCert + ": " + e.getMessage());
            }
        }
        try {
            return new CertificateSettings(acmeDirectory, null, CertificateSettings.defaultNames(domain),
                    KeyType.EC_P256, CertificateSettings.DEFAULT_SECRET, CertificateSettings.DEFAULT_ACCOUNT_KEY_SECRET,
                    CertificateSettings.DEFAULT_RENEW_BEFORE, Duration.ofSeconds(30), Duration.ofMinutes(10),
                    CertificateSettings.DEFAULT_ATTEMPT_TIMEOUT, ca, domain);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--acme-directory: " + e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        int eq = projectTag.indexOf('=');
        if (eq <= 0 || eq == projectTag.length() - 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--project-tag must be KEY=VALUE");
        }
        TopologyConfig.AddressKind addressKind = switch (address) {
            case "public" -> TopologyConfig.AddressKind.PUBLIC;
            case "private" -> TopologyConfig.AddressKind.PRIVATE;
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--address must be public or private, not '" + address + "'");
        };
        ElephantSettings.DnsProviderKind providerKind = switch (provider) {
            case "cloudflare" -> ElephantSettings.DnsProviderKind.CLOUDFLARE;
            case "route53" -> ElephantSettings.DnsProviderKind.ROUTE53;
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--provider must be cloudflare or route53, not '" + provider + "'");
        };
        Ec2RequestLimits limits = switch (ec2RequestLimits) {
            case "documented" -> Ec2RequestLimits.documented();
            case "off" -> null;
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--ec2-request-limits must be documented or off, not '" + ec2RequestLimits + "'");
        };
        boolean defaultKey = ingestKey == null;
        DevStack.Options options = new DevStack.Options(dataDir, kafkaBootstrap, bind, kafkaPort, controllerPort, awsPort,
                cloudflarePort, dnsPort, httpPort, domain, ingestKeyHeader, Secret.of(defaultKey ? DEV_INGEST_KEY : ingestKey),
                basicUser, basicPassword == null ? null : Secret.of(basicPassword),
                new ProjectFilter(projectTag.substring(0, eq), projectTag.substring(eq + 1)), linkTemplate, ownerId,
                Topics.DEFAULT_PREFIX, "elephant", 3, transitionDelay, reconcileInterval, sweepInterval, tlsCert, tlsKey,
                addressKind, opsPort, providerKind).withMachines(MachinePolicy.defaults().withLead(positive(launchLead,
                "--launch-lead")).withReapAfter("off".equals(reapAfter) ? null : positive(duration(reapAfter,
                "--reap-after"), "--reap-after"))).withCertificates(certificates()).withEc2RequestLimits(limits);
        out.println("Starting Elephant dev (data in " + dataDir.toAbsolutePath() + ") …");
        out.flush();
        DevStack stack = DevStack.start(options);
        CountDownLatch stopped = ShutdownHook.closeOnShutdown(stack::close);
        out.println();
        out.println("Elephant dev is running:");
        out.println("  Kafka (KRaft)      " + stack.bootstrapServers());
        out.println("  AWS stand-in       " + stack.aws().endpoint() + "  (EC2, ECS, EventBridge, Secrets Manager, "
                + "Route 53)");
        if (providerKind == ElephantSettings.DnsProviderKind.ROUTE53) {
            out.println("  Route 53 zone      " + domain + " (id " + stack.hostedZone().id() + "): records are written "
                    + "here");
        } else {
            out.println("  Cloudflare API     " + stack.cloudflare().apiBaseUrl() + "  (zone " + domain + ", id "
                    + stack.cloudflare().zoneId() + "): records are written here");
        }
        out.println("  DNS                127.0.0.1:" + stack.dnsPort() + " (UDP+TCP)");
        out.println("  Elephant API       " + stack.apiUrl() + "  (ingest, join, /readyz)");
        out.println("  Operations         " + stack.opsUrl() + "  (queries, /v1/health, /metrics)");
        out.println("operations page: " + stack.opsUrl().resolve("/ui/"));
        if (acmeDirectory != null) {
            out.println("  Certificate        *." + domain + " from " + acmeDirectory + " -> Secrets Manager secret "
                    + CertificateSettings.DEFAULT_SECRET + "  (elephant cert status)");
        }
        out.println("  Ingest header      " + ingestKeyHeader + (defaultKey
                ? " (dev default key '" + DEV_INGEST_KEY + "'; set --ingest-key for anything shared)" : ""));
        out.println();
        out.println("Try:  aws --endpoint-url " + stack.aws().endpoint() + " ec2 run-instances --image-id ami-12345678 "
                + "--tag-specifications 'ResourceType=instance,Tags=[{Key=Project,Value=Elephant}]'");
        if (providerKind == ElephantSettings.DnsProviderKind.ROUTE53) {
            out.println("      aws --endpoint-url " + stack.aws().endpoint() + " route53 list-resource-record-sets "
                    + "--hosted-zone-id " + stack.hostedZone().id());
        }
        out.println("      dig @127.0.0.1 -p " + stack.dnsPort() + " +short i-….elephant.test");
        out.println("Ctrl-C stops.");
        out.flush();
        stopped.await();
        return 0;
    }
}
