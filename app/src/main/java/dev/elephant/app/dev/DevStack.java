package dev.elephant.app.dev;

import dev.elephant.app.aws.EventBridgeSetup;
import dev.elephant.app.runtime.Closer;
import dev.elephant.app.runtime.Elephant;
import dev.elephant.app.runtime.ElephantSettings;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.connector.ecs.EcsTagSource;
import dev.elephant.events.PemTls;
import dev.elephant.events.Secret;
import dev.elephant.events.Topics;
import dev.elephant.sinks.certificates.CertificateSettings;
import dev.elephant.sinks.dns.cloudflare.CloudflareToken;
import dev.elephant.standins.aws.AwsStandIn;
import dev.elephant.standins.aws.Ec2RequestLimits;
import dev.elephant.standins.aws.route53.Route53;
import dev.elephant.standins.cloudflare.CloudflareStandIn;
import dev.elephant.standins.kafka.EmbeddedKafkaBroker;
import dev.elephant.topology.common.MachinePolicy;
import dev.elephant.topology.common.TopologyConfig;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;

/**
 * Everything on one machine: a real Kafka broker (KRaft, embedded), the local AWS and Cloudflare
 * stand-ins, and Elephant wired to them. What {@code elephant dev} runs, and what the end-to-end tests
 * run (with the test JVM's shared broker instead of an own one).
 */
public final class DevStack implements AutoCloseable {

    /** EventBridge deliveries on their way at once, as EventBridge sends an API destination many. */
    static final int DELIVERIES_AT_ONCE = 64;

    private final Closer started = new Closer();
    private final Options options;
    private String bootstrap;
    private CloudflareStandIn cloudflare;
    private AwsStandIn aws;
    private Route53.HostedZone hostedZone;
    private int route53DnsPort = -1;
    private Elephant elephant;

    /**
     * @param externalBootstrap an existing broker to use, or null to start one
     * @param bind              the address the HTTP API and the stand-ins listen on
     * @param transitionDelay   how long the EC2 stand-in's pending/stopping/shutting-down last
     * @param address           which of an instance's addresses its record points at
     * @param opsPort           the operations listener's port (queries, health, metrics; 0: any free port), on
     *                          the same address as the HTTP API
     * @param provider          which DNS provider's stand-in Elephant writes to (its zone is the one served on the
     *                          DNS port)
     * @param machines          when meetings' machines are launched and leftovers reaped
     * @param certificates      the certificate to obtain by ACME, or null for none
     * @param ec2RequestLimits  EC2's request buckets the stand-in enforces (by default the documented ones, as the
     *                          account Elephant runs in would; null: none)
     * @param cloudflarePaidPlan the Cloudflare stand-in's zone is on a paid plan (3,500 records), not the Free plan
     */
    public record Options(Path dataDir, String externalBootstrap, String bind, int kafkaPort, int controllerPort, int awsPort,
                          int cloudflarePort, int dnsPort, int httpPort, String domain, String ingestKeyHeader,
                          Secret ingestKey, String basicUser, Secret basicPassword, ProjectFilter projectFilter, String linkTemplate, String ownerId,
                          String topicPrefix, String applicationId, int partitions, Duration transitionDelay,
                          Duration reconcileInterval, Duration sweepInterval, Path tlsCertificate, Path tlsKey,
                          TopologyConfig.AddressKind address, int opsPort, ElephantSettings.DnsProviderKind provider,
                          MachinePolicy machines, ElephantSettings.Launch launch, CertificateSettings certificates,
                          Ec2RequestLimits ec2RequestLimits, boolean cloudflarePaidPlan) {

        /** Launching and reaping as by default. */
        public Options(Path dataDir, String externalBootstrap, String bind, int kafkaPort, int controllerPort,
                       int awsPort, int cloudflarePort, int dnsPort, int httpPort, String domain, String ingestKeyHeader,
                       Secret ingestKey, String basicUser, Secret basicPassword, ProjectFilter projectFilter,
                       String linkTemplate, String ownerId, String topicPrefix, String applicationId, int partitions,
                       Duration transitionDelay, Duration reconcileInterval, Duration sweepInterval,
                       Path tlsCertificate, Path tlsKey, TopologyConfig.AddressKind address, int opsPort,
                       ElephantSettings.DnsProviderKind provider) {
            this(dataDir, externalBootstrap, bind, kafkaPort, controllerPort, awsPort, cloudflarePort, dnsPort,
                    httpPort, domain, ingestKeyHeader, ingestKey, basicUser, basicPassword, projectFilter, linkTemplate,
                    ownerId, topicPrefix, applicationId, partitions, transitionDelay, reconcileInterval, sweepInterval,
                    tlsCertificate, tlsKey, address, opsPort, provider, MachinePolicy.defaults(),
                    ElephantSettings.Launch.defaults(), null, Ec2RequestLimits.documented(), false);
        }

        /** On Cloudflare. */
        public Options(Path dataDir, String externalBootstrap, String bind, int kafkaPort, int controllerPort,
                       int awsPort, int cloudflarePort, int dnsPort, int httpPort, String domain, String ingestKeyHeader,
                       Secret ingestKey, String basicUser, Secret basicPassword, ProjectFilter projectFilter,
                       String linkTemplate, String ownerId, String topicPrefix, String applicationId, int partitions,
                       Duration transitionDelay, Duration reconcileInterval, Duration sweepInterval,
                       Path tlsCertificate, Path tlsKey, TopologyConfig.AddressKind address, int opsPort) {
            this(dataDir, externalBootstrap, bind, kafkaPort, controllerPort, awsPort, cloudflarePort, dnsPort,
                    httpPort, domain, ingestKeyHeader, ingestKey, basicUser, basicPassword, projectFilter, linkTemplate,
                    ownerId, topicPrefix, applicationId, partitions, transitionDelay, reconcileInterval, sweepInterval,
                    tlsCertificate, tlsKey, address, opsPort, ElephantSettings.DnsProviderKind.CLOUDFLARE);
        }

        /** The same, writing to {@code other}'s stand-in. */
        public Options withProvider(ElephantSettings.DnsProviderKind other) {
            return new Options(dataDir, externalBootstrap, bind, kafkaPort, controllerPort, awsPort, cloudflarePort,
                    dnsPort, httpPort, domain, ingestKeyHeader, ingestKey, basicUser, basicPassword, projectFilter,
                    linkTemplate, ownerId, topicPrefix, applicationId, partitions, transitionDelay, reconcileInterval,
                    sweepInterval, tlsCertificate, tlsKey, address, opsPort, other, machines, launch, certificates, ec2RequestLimits,
                    cloudflarePaidPlan);
        }

        /** The same, launching and reaping by {@code policy}. */
        public Options withMachines(MachinePolicy policy) {
            return new Options(dataDir, externalBootstrap, bind, kafkaPort, controllerPort, awsPort, cloudflarePort,
                    dnsPort, httpPort, domain, ingestKeyHeader, ingestKey, basicUser, basicPassword, projectFilter,
                    linkTemplate, ownerId, topicPrefix, applicationId, partitions, transitionDelay, reconcileInterval,
                    sweepInterval, tlsCertificate, tlsKey, address, opsPort, provider, policy, launch, certificates, ec2RequestLimits,
                    cloudflarePaidPlan);
        }

        /** The same, with the machine executor's cost guard, concurrency and tick interval as {@code settings}. */
        public Options withLaunch(ElephantSettings.Launch settings) {
            return new Options(dataDir, externalBootstrap, bind, kafkaPort, controllerPort, awsPort, cloudflarePort,
                    dnsPort, httpPort, domain, ingestKeyHeader, ingestKey, basicUser, basicPassword, projectFilter,
                    linkTemplate, ownerId, topicPrefix, applicationId, partitions, transitionDelay, reconcileInterval,
                    sweepInterval, tlsCertificate, tlsKey, address, opsPort, provider, machines, settings, certificates, ec2RequestLimits,
                    cloudflarePaidPlan);
        }

        /** The same, obtaining the certificate as {@code settings} say (null: no certificate). */
        public Options withCertificates(CertificateSettings settings) {
            return new Options(dataDir, externalBootstrap, bind, kafkaPort, controllerPort, awsPort, cloudflarePort,
                    dnsPort, httpPort, domain, ingestKeyHeader, ingestKey, basicUser, basicPassword, projectFilter,
                    linkTemplate, ownerId, topicPrefix, applicationId, partitions, transitionDelay, reconcileInterval,
                    sweepInterval, tlsCertificate, tlsKey, address, opsPort, provider, machines, launch, settings, ec2RequestLimits,
                    cloudflarePaidPlan);
        }

        /** The same, the EC2 stand-in throttling by {@code limits} (null: not at all). */
        public Options withEc2RequestLimits(Ec2RequestLimits limits) {
            return new Options(dataDir, externalBootstrap, bind, kafkaPort, controllerPort, awsPort, cloudflarePort,
                    dnsPort, httpPort, domain, ingestKeyHeader, ingestKey, basicUser, basicPassword, projectFilter,
                    linkTemplate, ownerId, topicPrefix, applicationId, partitions, transitionDelay, reconcileInterval,
                    sweepInterval, tlsCertificate, tlsKey, address, opsPort, provider, machines, launch, certificates,
                    limits, cloudflarePaidPlan);
        }

        /** The same, the Cloudflare stand-in's zone on a paid plan (3,500 records) instead of the Free plan's 200. */
        public Options withCloudflarePaidPlan() {
            return new Options(dataDir, externalBootstrap, bind, kafkaPort, controllerPort, awsPort, cloudflarePort,
                    dnsPort, httpPort, domain, ingestKeyHeader, ingestKey, basicUser, basicPassword, projectFilter,
                    linkTemplate, ownerId, topicPrefix, applicationId, partitions, transitionDelay, reconcileInterval,
                    sweepInterval, tlsCertificate, tlsKey, address, opsPort, provider, machines, launch, certificates,
                    ec2RequestLimits, true);
        }

        /** Records point at public addresses; the operations listener on any free port. */
        public Options(Path dataDir, String externalBootstrap, String bind, int kafkaPort, int controllerPort,
                       int awsPort, int cloudflarePort, int dnsPort, int httpPort, String domain, String ingestKeyHeader,
                       Secret ingestKey, String basicUser, Secret basicPassword, ProjectFilter projectFilter,
                       String linkTemplate, String ownerId, String topicPrefix, String applicationId, int partitions,
                       Duration transitionDelay, Duration reconcileInterval, Duration sweepInterval,
                       Path tlsCertificate, Path tlsKey) {
            this(dataDir, externalBootstrap, bind, kafkaPort, controllerPort, awsPort, cloudflarePort, dnsPort,
                    httpPort, domain, ingestKeyHeader, ingestKey, basicUser, basicPassword, projectFilter, linkTemplate,
                    ownerId, topicPrefix, applicationId, partitions, transitionDelay, reconcileInterval, sweepInterval,
                    tlsCertificate, tlsKey, TopologyConfig.AddressKind.PUBLIC, 0);
        }
    }

    private DevStack(Options options) {
        this.options = options;
    }

    public static DevStack start(Options o) throws IOException {
        DevStack stack = new DevStack(o);
        try {
            stack.startAll();
            return stack;
        } catch (IOException | RuntimeException | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() throws IOException {
        Options o = options;
        if (o.externalBootstrap() == null) {
            EmbeddedKafkaBroker broker = bind("--kafka-port/--controller-port", () -> EmbeddedKafkaBroker.start(
                    o.dataDir(), o.kafkaPort(), o.controllerPort(), Duration.ofSeconds(60)));
            started.register(broker);
            bootstrap = broker.bootstrapServers();
        } else {
            bootstrap = o.externalBootstrap();
        }
        String zoneId = zoneIdFor(o.domain());
        // The stand-in and Elephant share this token in-process; it is never printed.
        Secret cloudflareToken = Secret.of(UUID.randomUUID().toString());
        boolean onRoute53 = o.provider() == ElephantSettings.DnsProviderKind.ROUTE53;
        // The DNS port answers for the zone Elephant writes to; the other stand-in's DNS gets any free port.
        CloudflareStandIn.Settings zone = o.cloudflarePaidPlan()
                ? CloudflareStandIn.Settings.paidPlan(o.bind(), o.cloudflarePort(), onRoute53 ? 0 : o.dnsPort(), zoneId,
                        o.domain(), cloudflareToken.reveal(), o.dataDir().resolve("cloudflare/zone.json"))
                : CloudflareStandIn.Settings.freePlan(o.bind(), o.cloudflarePort(), onRoute53 ? 0 : o.dnsPort(), zoneId,
                        o.domain(), cloudflareToken.reveal(), o.dataDir().resolve("cloudflare/zone.json"));
        cloudflare = bind("--cloudflare-port/--dns-port", () -> CloudflareStandIn.start(zone));
        started.register(cloudflare);
        int httpPort = o.httpPort() == 0 ? FreePort.find() : o.httpPort();
        boolean tls = o.tlsCertificate() != null;
        // In AWS an API destination must be HTTPS; the stand-in trusts exactly Elephant's certificate.
        SSLContext trust = tls ? PemTls.trusting(o.tlsCertificate()) : null;
        aws = bind("--aws-port", () -> AwsStandIn.start(new AwsStandIn.Settings(o.bind(), o.awsPort(), "us-east-1",
                URI.create((tls ? "https" : "http") + "://localhost:" + httpPort + "/v1/eventbridge"), trust,
                o.ingestKeyHeader(), o.ingestKey().reveal(), o.transitionDelay(), o.dataDir().resolve("aws/ec2.json"))));
        started.register(aws);
        aws.requestLimits(o.ec2RequestLimits());
        // EventBridge delivers many events at once, in no promised order. One at a time, every event's lookup went
        // alone and the Describe share's 10 calls a second were 10 events a second: a class of 1,500 meetings with
        // the launch bucket raised took 10 minutes instead of 2 (bench/run launch-burst 1500 5000 2 5000 20).
        aws.deliveryConcurrency(DELIVERIES_AT_ONCE);
        // `elephant aws install` against this stand-in reuses the key it finds in Secrets Manager: dev keeps
        // its own there, so the connection install makes sends the key dev checks (a generated one would make
        // every delivery a 401, which EventBridge does not retry).
        aws.putSecret(EventBridgeSetup.DEFAULT_KEY_SECRET, o.ingestKey().reveal());
        // The hosted zone for the domain exists from the start, as a user's would.
        hostedZone = aws.hostedZone(o.domain(), o.address() == TopologyConfig.AddressKind.PRIVATE);
        route53DnsPort = onRoute53 ? bind("--dns-port", () -> aws.serveDns(hostedZone, o.bind(), o.dnsPort())) : -1;
        Topics topics = new Topics(o.topicPrefix());
        TopologyConfig topology = new TopologyConfig(topics, o.domain(), o.linkTemplate(),
                o.address(), "MeetingId", "Role", 60).withMachines(o.machines());
        ElephantSettings settings = new ElephantSettings(o.applicationId(), o.dataDir().resolve("streams"),
                o.ownerId(), o.projectFilter(), o.sweepInterval(),
                new ElephantSettings.Kafka(Map.of("bootstrap.servers", bootstrap)),
                new ElephantSettings.TopicSettings(topics, o.partitions(), (short) 1),
                topology,
                new ElephantSettings.Http(o.bind(), httpPort, o.tlsCertificate(), o.tlsKey()),
                new ElephantSettings.Ops(o.bind(), o.opsPort(), null, null, null),
                new ElephantSettings.Ingest(o.ingestKeyHeader(), o.ingestKey(), o.basicUser(), o.basicPassword()),
                new ElephantSettings.Aws("us-east-1", aws.endpoint(), true),
                new ElephantSettings.Cloudflare(cloudflare.apiBaseUrl(), zoneId, CloudflareToken.fixed(cloudflareToken),
                        ElephantSettings.Cloudflare.DEFAULT_REQUESTS_PER_5_MINUTES,
                        ElephantSettings.Cloudflare.DEFAULT_MAX_BATCH, false),
                new ElephantSettings.Route53(hostedZone.id(), ElephantSettings.Route53.DEFAULT_REQUESTS_PER_SECOND,
                        ElephantSettings.Route53.DEFAULT_MAX_BATCH),
                new ElephantSettings.Dns(o.provider(), o.reconcileInterval(), false,
                        ElephantSettings.Dns.DEFAULT_READY_LAG_BOUND),
                // The stand-in's tasks run in its "default" cluster unless one is created.
                new ElephantSettings.Ecs(EcsTagSource.TASK, List.of("default")),
                // Links also go to the AWS stand-in's EventBridge, as in AWS.
                new ElephantSettings.MeetingLinks("default", ElephantSettings.MeetingLinks.DEFAULT_SOURCE),
                o.launch(), new ElephantSettings.Reap(false), o.certificates(), List.of());
        elephant = bind("--http-port", () -> Elephant.start(settings));
        started.register(elephant);
    }

    /** A stable zone id per domain, so a restarted stand-in serves the same zone under the same id. */
    public static String zoneIdFor(String domain) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(domain.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Starter<T> {
        T start() throws IOException;
    }

    private static <T> T bind(String flag, Starter<T> starter) throws IOException {
        try {
            return starter.start();
        } catch (BindException e) {
            throw new IOException("a port is already in use (" + e.getMessage() + "); choose another with " + flag, e);
        }
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public CloudflareStandIn cloudflare() {
        return cloudflare;
    }

    public AwsStandIn aws() {
        return aws;
    }

    /** The Route 53 hosted zone for the domain in the AWS stand-in. */
    public Route53.HostedZone hostedZone() {
        return hostedZone;
    }

    /** Where DNS answers for the zone Elephant writes to. */
    public int dnsPort() {
        return options.provider() == ElephantSettings.DnsProviderKind.ROUTE53 ? route53DnsPort : cloudflare.dnsPort();
    }

    public Elephant elephant() {
        return elephant;
    }

    public URI apiUrl() {
        return URI.create((options.tlsCertificate() != null ? "https://localhost:" : "http://127.0.0.1:")
                + elephant.httpPort());
    }

    /** The operations listener: queries, health, metrics. */
    public URI opsUrl() {
        return URI.create("http://127.0.0.1:" + elephant.opsPort());
    }

    @Override
    public void close() {
        started.close();
    }
}
