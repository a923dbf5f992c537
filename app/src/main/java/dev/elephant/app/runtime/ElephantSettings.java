package dev.elephant.app.runtime;

import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.connector.ecs.EcsTagSource;
import dev.elephant.events.Secret;
import dev.elephant.events.Topics;
import dev.elephant.sinks.dns.cloudflare.CloudflareToken;
import dev.elephant.topology.TopologyConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a running Elephant needs, validated once at start and passed in; nothing below reads
 * the environment.
 *
 * @param kafka          Kafka client properties shared by every client (bootstrap servers, security)
 * @param ingestBasicUser HTTP Basic user also accepted by the ingest endpoints, or null (API key only)
 * @param httpAdvertisedHost the host other instances reach this one's HTTP API at (forwarded queries), or
 *                       null: the bind address, or this machine's name when bound to every interface
 * @param tlsCertificate PEM certificate chain to serve HTTPS with (an API destination must be HTTPS), or null
 * @param tlsKey         its PKCS#8 PEM private key, or null
 * @param awsEndpoint    EC2 endpoint override (the local stand-in, a proxy), or null for AWS itself
 * @param localAws       use fixed dummy credentials (the local stand-in accepts any); else the SDK's default chain
 * @param cloudflareRequestsPer5Minutes Elephant's share of the token's 1,200 requests per 5 minutes
 * @param cloudflareMaxBatch most writes in one batch request: 200 on the Free plan, 3,500 on paid plans
 * @param reconcileInterval how often the DNS sink compares the whole zone with the desired state
 * @param sweepInterval  how often the connector lists the project's instances to repair lost events
 * @param meetingLinksEventBus EventBridge bus (name or ARN) to put meeting links on, or null for Kafka only
 * @param meetingLinksSource the {@code source} of those events
 * @param dnsDryRun      the DNS sink plans and audits writes as {@code dry-run} and sends none
 * @param cloudflareOwnershipTags also mark records with Cloudflare tags (paid plans only)
 * @param ecsTagSource   where an ECS task's tags (project, meeting, role) are read from
 * @param sinkLagBound   how long the DNS sink may have desired records left to apply before Elephant
 *                       reports itself not ready
 */
public record ElephantSettings(
        Map<String, Object> kafka,
        String applicationId,
        Path stateDir,
        Topics topics,
        int partitions,
        short replicationFactor,
        TopologyConfig topology,
        ProjectFilter projectFilter,
        String ingestKeyHeader,
        Secret ingestKey,
        String ingestBasicUser,
        Secret ingestBasicPassword,
        String ownerId,
        String httpHost,
        int httpPort,
        String httpAdvertisedHost,
        Path tlsCertificate,
        Path tlsKey,
        URI awsEndpoint,
        String awsRegion,
        boolean localAws,
        String cloudflareApiBaseUrl,
        String cloudflareZoneId,
        CloudflareToken cloudflareToken,
        int cloudflareRequestsPer5Minutes,
        int cloudflareMaxBatch,
        Duration reconcileInterval,
        Duration sweepInterval,
        String meetingLinksEventBus,
        String meetingLinksSource,
        boolean dnsDryRun,
        boolean cloudflareOwnershipTags,
        EcsTagSource ecsTagSource,
        Duration sinkLagBound) {

    /** Long enough for a burst of thousands of launches under the rate limit; shorter than an alert's patience. */
    public static final Duration DEFAULT_SINK_LAG_BOUND = Duration.ofMinutes(2);

    public ElephantSettings {
        kafka = Map.copyOf(kafka);
        Objects.requireNonNull(kafka.get("bootstrap.servers"), "kafka bootstrap.servers");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(ingestKey, "ingest key");
        Objects.requireNonNull(cloudflareToken, "Cloudflare token");
        if ((tlsCertificate == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("TLS needs both a certificate (--tls-cert) and a key (--tls-key)");
        }
        if ((ingestBasicUser == null) != (ingestBasicPassword == null)) {
            throw new IllegalArgumentException("HTTP Basic ingest auth needs both a user and a password");
        }
        Objects.requireNonNull(cloudflareZoneId, "Cloudflare zone id");
        if (cloudflareRequestsPer5Minutes < 1 || cloudflareRequestsPer5Minutes > 1200) {
            throw new IllegalArgumentException("the Cloudflare request share must be 1..1200 per 5 minutes (the token's limit)");
        }
        if (cloudflareMaxBatch < 1) {
            throw new IllegalArgumentException("the Cloudflare batch size must be at least 1");
        }
        if (sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalArgumentException("the sweep interval must be positive");
        }
        Objects.requireNonNull(ecsTagSource, "ECS tag source");
        if (sinkLagBound.isNegative() || sinkLagBound.isZero()) {
            throw new IllegalArgumentException("the DNS sink's lag bound must be positive");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1");
        }
        if (!topics.prefix().equals(topology.topics().prefix())) {
            throw new IllegalArgumentException("the topology must use the same topics");
        }
    }
}
