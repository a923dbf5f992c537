package dev.elephant.app.runtime;

import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.events.Secret;
import dev.elephant.events.Topics;
import dev.elephant.topology.TopologyConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a running Elephant needs, validated once at start and passed in; nothing below reads
 * the environment.
 *
 * @param kafka          Kafka client properties shared by every client (bootstrap servers, security)
 * @param awsEndpoint    EC2 endpoint override (the local stand-in, a proxy), or null for AWS itself
 * @param localAws       use fixed dummy credentials (the local stand-in accepts any); else the SDK's default chain
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
        String ownerId,
        String httpHost,
        int httpPort,
        URI awsEndpoint,
        String awsRegion,
        boolean localAws,
        String cloudflareApiBaseUrl,
        String cloudflareZoneId,
        Secret cloudflareToken) {

    public ElephantSettings {
        kafka = Map.copyOf(kafka);
        Objects.requireNonNull(kafka.get("bootstrap.servers"), "kafka bootstrap.servers");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(ingestKey, "ingest key");
        Objects.requireNonNull(cloudflareToken, "Cloudflare token");
        Objects.requireNonNull(cloudflareZoneId, "Cloudflare zone id");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1");
        }
        if (!topics.prefix().equals(topology.topics().prefix())) {
            throw new IllegalArgumentException("the topology must use the same topics");
        }
    }
}
