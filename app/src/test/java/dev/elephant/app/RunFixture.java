package dev.elephant.app;

import dev.elephant.app.dev.FreePort;
import dev.elephant.app.runtime.Elephant;
import dev.elephant.app.runtime.ElephantSettings;
import dev.elephant.standins.aws.AwsStandIn;
import dev.elephant.standins.cloudflare.CloudflareStandIn;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * What `elephant run` runs against in a test: the Cloudflare and AWS stand-ins, the test JVM's broker,
 * and a YAML configuration pointing at them (topics under a prefix of their own), writing to Cloudflare or to the
 * AWS stand-in's Route 53 ({@link #provider}). AWS credentials come
 * from the default chain's system properties, as an operator's environment would give them.
 */
final class RunFixture implements AutoCloseable {

    static final String ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
    static final String DOMAIN = "meet.example.com";
    final int httpPort = FreePort.find();
    final int opsPort = FreePort.find();
    final String prefix;
    final CloudflareStandIn cloudflare;
    final AwsStandIn aws;
    /** The provider Elephant writes to in this run. */
    final ProviderSide provider;
    Elephant elephant;
    /** A second instance of the same deployment, closed before the first. */
    Elephant second;

    /** @param cloudflareToken the token the Cloudflare stand-in accepts */
    RunFixture(String name, String cloudflareToken, String ingestKey) throws IOException {
        this(name, cloudflareToken, ingestKey, true);
    }

    /**
     * @param deliverDirectly the AWS stand-in POSTs its EC2 events straight to Elephant; false: only
     *                        where EventBridge rules and API destinations (`elephant aws install`) say
     */
    RunFixture(String name, String cloudflareToken, String ingestKey, boolean deliverDirectly) throws IOException {
        this(name, cloudflareToken, ingestKey, deliverDirectly, false);
    }

    /** @param paidZone the zone is on a paid plan: 3,500 records, tags, 500-character comments */
    RunFixture(String name, String cloudflareToken, String ingestKey, boolean deliverDirectly, boolean paidZone)
            throws IOException {
        this(name, cloudflareToken, ingestKey, deliverDirectly, paidZone, ElephantSettings.DnsProviderKind.CLOUDFLARE);
    }

    /** Writing to {@code kind}: Cloudflare, or Route 53 (the domain's public hosted zone in the AWS stand-in). */
    RunFixture(String name, String cloudflareToken, String ingestKey, ElephantSettings.DnsProviderKind kind)
            throws IOException {
        this(name, cloudflareToken, ingestKey, true, false, kind);
    }

    RunFixture(String name, String cloudflareToken, String ingestKey, boolean deliverDirectly, boolean paidZone,
               ElephantSettings.DnsProviderKind kind) throws IOException {
        this.prefix = name + "-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        this.cloudflare = CloudflareStandIn.start(paidZone
                ? CloudflareStandIn.Settings.paidPlan("127.0.0.1", 0, 0, ZONE, DOMAIN, cloudflareToken, null)
                : CloudflareStandIn.Settings.freePlan("127.0.0.1", 0, 0, ZONE, DOMAIN, cloudflareToken, null));
        this.aws = AwsStandIn.start(new AwsStandIn.Settings("127.0.0.1", 0, "us-east-1",
                deliverDirectly ? URI.create("http://127.0.0.1:" + httpPort + "/v1/eventbridge") : null, null,
                "X-Elephant-Key", ingestKey,
                Duration.ofMillis(300), null));
        this.provider = kind == ElephantSettings.DnsProviderKind.ROUTE53
                ? ProviderSide.route53(aws, aws.hostedZone(DOMAIN, false)) : ProviderSide.cloudflare(cloudflare);
        System.setProperty("aws.accessKeyId", "run-fixture");
        System.setProperty("aws.secretAccessKey", "run-fixture");
    }

    /** Writes the configuration, with {@code cloudflareExtra} (indented YAML lines) under {@code cloudflare:}. */
    Path config(Path dir, String cloudflareExtra) throws IOException {
        Path config = dir.resolve("elephant.yaml");
        // The fixture's EC2 stand-in enforces no request rate (a test that wants EC2's buckets sets them), so
        // Elephant's share of it is as large as the settings allow: paced at the default 10 lookups a second, the
        // stand-in's one-at-a-time EventBridge delivery of a crash test's burst took minutes.
        Files.writeString(config, """
                kafka:
                  bootstrap.servers: %s
                applicationId: %sapp
                stateDir: %s
                topics:
                  prefix: %s
                  partitions: 3
                  replicationFactor: 1
                domain: %s
                ownerId: prod
                http:
                  host: 127.0.0.1
                  port: %d
                ops:
                  host: 127.0.0.1
                  port: %d
                aws:
                  region: us-east-1
                  endpoint: %s
                  describeBucket: 100000
                  describeRefillPerSecond: 100000
                %scloudflare:
                  apiBaseUrl: %s
                  zoneId: %s
                %s""".formatted(SharedKafka.bootstrapServers(), prefix, dir.resolve("state"), prefix, DOMAIN, httpPort,
                opsPort, aws.endpoint(), provider.configYaml(), cloudflare.apiBaseUrl(), ZONE, cloudflareExtra));
        return config;
    }

    /** A second Elephant instance beside the first: the same deployment, listeners and state directory its own. */
    record Peer(Path config, int httpPort, int opsPort) {}

    /** Writes the second instance's configuration: {@code config}'s, with ports and a state directory of its own. */
    Peer peer(Path config) throws IOException {
        Path dir = config.getParent();
        Path peerDir = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-peer"));
        Peer peer = new Peer(peerDir.resolve("elephant.yaml"), FreePort.find(), FreePort.find());
        Files.writeString(peer.config(), Files.readString(config)
                .replace("port: " + httpPort, "port: " + peer.httpPort())
                .replace("port: " + opsPort, "port: " + peer.opsPort())
                .replace(dir.resolve("state").toString(), peerDir.resolve("state").toString()));
        return peer;
    }

    URI api(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    /** The operations listener: queries, health, metrics. */
    URI ops(String path) {
        return URI.create("http://127.0.0.1:" + opsPort + path);
    }

    @Override
    public void close() {
        if (second != null) {
            second.close();
        }
        if (elephant != null) {
            elephant.close();
        }
        aws.close();
        cloudflare.close();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }
}
