package dev.elephant.app.runtime;

import dev.elephant.connector.ec2.CoalescingInstanceLookup;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.connector.ecs.EcsTagSource;
import dev.elephant.events.FailoverName;
import dev.elephant.events.Secret;
import dev.elephant.events.Topics;
import dev.elephant.sinks.certificates.CertificateSettings;
import dev.elephant.sinks.dns.cloudflare.CloudflareToken;
import dev.elephant.sinks.dns.plan.OwnershipMark;
import dev.elephant.topology.common.TopologyConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a running Elephant needs, validated once at start and passed in; nothing below reads the
 * environment. One record per section of the YAML file ({@code kafka}, {@code topics}, {@code http},
 * {@code ingest}, {@code aws}, {@code cloudflare}, {@code route53}, {@code dns}, {@code ecs},
 * {@code meetingLinks}), each
 * with its own defaults and checks; the top-level keys ({@code applicationId}, {@code stateDir},
 * {@code ownerId}, {@code sweepInterval}, the project tag) beside them, and the topology's own
 * configuration ({@code domain}, {@code linkTemplate}, {@code address}, {@code ttl}, the meeting tags,
 * {@code meetings.retention}) as the topology takes it. A new capability adds its section here.
 *
 * @param failover      the failover names the run config declares ({@code failover.<name>.…}), written to
 *                      {@code failover-names} at start; names declared over the API are not here
 *
 * @param applicationId Kafka Streams application id, also the prefix of every consumer group of Elephant's
 * @param ownerId       names this deployment in the mark on every record it owns
 * @param sweepInterval how often the connector lists the project's instances to repair lost events
 */
public record ElephantSettings(
        String applicationId,
        Path stateDir,
        String ownerId,
        ProjectFilter project,
        Duration sweepInterval,
        Kafka kafka,
        TopicSettings topics,
        TopologyConfig topology,
        Http http,
        Ops ops,
        Ingest ingest,
        Aws aws,
        Cloudflare cloudflare,
        Route53 route53,
        Dns dns,
        Ecs ecs,
        MeetingLinks meetingLinks,
        Launch launch,
        Reap reap,
        CertificateSettings certificates,
        List<FailoverName> failover) {

    public ElephantSettings {
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(stateDir, "stateDir");
        OwnershipMark.requireValidOwnerId(ownerId);
        Objects.requireNonNull(project, "project tag");
        positive(sweepInterval, "the sweep interval");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(topology, "topology");
        if (!topics.names().prefix().equals(topology.topics().prefix())) {
            throw new IllegalArgumentException("the topology must use the same topics");
        }
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(ops, "ops");
        Objects.requireNonNull(ingest, "ingest");
        Objects.requireNonNull(aws, "aws");
        Objects.requireNonNull(dns, "dns");
        // Only the provider the sink writes to needs its section.
        if (dns.provider() == DnsProviderKind.CLOUDFLARE) {
            Objects.requireNonNull(cloudflare, "cloudflare (dns.provider is cloudflare)");
        } else {
            Objects.requireNonNull(route53, "route53 (dns.provider is route53)");
        }
        Objects.requireNonNull(ecs, "ecs");
        Objects.requireNonNull(meetingLinks, "meetingLinks");
        Objects.requireNonNull(launch, "launch");
        Objects.requireNonNull(reap, "reap");
        failover = failover == null ? List.of() : List.copyOf(failover);
        if (certificates != null && !certificates.domain().equals(topology.domain())) {
            throw new IllegalArgumentException("certificates: for the domain " + certificates.domain()
                    + ", records are under " + topology.domain());
        }
    }

    /** {@code kafka.*}: client properties shared by every client (bootstrap servers, security), passed through. */
    public record Kafka(Map<String, Object> properties) {
        public Kafka {
            properties = Map.copyOf(properties);
            Objects.requireNonNull(properties.get("bootstrap.servers"), "kafka bootstrap.servers");
        }

        public String bootstrapServers() {
            return String.valueOf(properties.get("bootstrap.servers"));
        }
    }

    /** {@code topics.*}: Elephant's topic names (by prefix), and how those it creates are made. */
    public record TopicSettings(Topics names, int partitions, short replicationFactor) {
        public TopicSettings {
            Objects.requireNonNull(names, "topic names");
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be at least 1");
            }
            if (replicationFactor < 1) {
                throw new IllegalArgumentException("the replication factor must be at least 1");
            }
        }
    }

    /**
     * {@code http.*}: the public listener (ingest, {@code join}, {@code /healthz}, {@code /readyz}).
     *
     * @param tlsCertificate PEM certificate chain to serve HTTPS with (an API destination must be HTTPS), or null
     * @param tlsKey         its PKCS#8 PEM private key, or null
     */
    public record Http(String host, int port, Path tlsCertificate, Path tlsKey) {
        public static final String DEFAULT_HOST = "0.0.0.0";
        public static final int DEFAULT_PORT = 8080;

        public Http {
            Objects.requireNonNull(host, "http host");
            checkPort(port, "HTTP");
            checkTls(tlsCertificate, tlsKey, "--tls-cert", "--tls-key");
        }
    }

    /**
     * {@code ops.*}: the operations listener (queries, {@code /v1/health}, {@code /metrics}), private: loopback
     * unless told otherwise. Several instances reach each other here to forward queries, so with more than one
     * it is bound to an address they share (a pod IP, a private subnet) and advertised under it.
     *
     * @param advertisedHost where the other instances reach this listener, or null: the bind address, or this
     *                       machine's name when bound to every interface
     * @param tlsCertificate serve the operations listener over HTTPS too, or null; peers forwarding to it accept
     *                       exactly this certificate, whatever names it holds
     */
    public record Ops(String host, int port, String advertisedHost, Path tlsCertificate, Path tlsKey) {
        public static final String DEFAULT_HOST = "127.0.0.1";
        public static final int DEFAULT_PORT = 8081;

        public Ops {
            Objects.requireNonNull(host, "ops host");
            checkPort(port, "operations");
            checkTls(tlsCertificate, tlsKey, "ops.tlsCert", "ops.tlsKey");
        }
    }

    private static void checkPort(int port, String which) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("the " + which + " port must be 0..65535");
        }
    }

    private static void checkTls(Path certificate, Path key, String certificateName, String keyName) {
        if ((certificate == null) != (key == null)) {
            throw new IllegalArgumentException("TLS needs both a certificate (" + certificateName + ") and a key ("
                    + keyName + ")");
        }
    }

    /**
     * {@code ingest.*}: who may post events.
     *
     * @param basicUser HTTP Basic user also accepted by the ingest endpoints, or null (API key only)
     */
    public record Ingest(String keyHeader, Secret key, String basicUser, Secret basicPassword) {
        public static final String DEFAULT_KEY_HEADER = "X-Elephant-Key";

        public Ingest {
            Objects.requireNonNull(keyHeader, "ingest key header");
            Objects.requireNonNull(key, "ingest key");
            if ((basicUser == null) != (basicPassword == null)) {
                throw new IllegalArgumentException("HTTP Basic ingest auth needs both a user and a password");
            }
        }
    }

    /**
     * {@code aws.*}.
     *
     * @param endpoint endpoint override (the local stand-in, a proxy), or null for AWS itself
     * @param local    use fixed dummy credentials (the local stand-in accepts any); else the SDK's default chain
     */
    /**
     * {@code aws.*}.
     *
     * @param describeBucket          Elephant's share of the account's {@code Describe*} request bucket (EC2's: 100)
     * @param describeRefillPerSecond how fast that share refills (EC2's bucket: 20 a second)
     */
    public record Aws(String region, URI endpoint, boolean local, int describeBucket, double describeRefillPerSecond) {
        /** Half of EC2's documented {@code Describe*} bucket: the rest is the account's other users'. */
        public static final int DEFAULT_DESCRIBE_BUCKET = CoalescingInstanceLookup.DEFAULT_BUCKET;
        public static final double DEFAULT_DESCRIBE_REFILL_PER_SECOND = CoalescingInstanceLookup.DEFAULT_REFILL_PER_SECOND;

        public Aws {
            Objects.requireNonNull(region, "AWS region");
            if (describeBucket < 1 || !(describeRefillPerSecond > 0)) {
                throw new IllegalArgumentException("aws.describeBucket must be at least 1 and aws.describeRefillPerSecond "
                        + "positive");
            }
        }

        public Aws(String region, URI endpoint, boolean local) {
            this(region, endpoint, local, DEFAULT_DESCRIBE_BUCKET, DEFAULT_DESCRIBE_REFILL_PER_SECOND);
        }
    }

    /**
     * {@code cloudflare.*}.
     *
     * @param requestsPer5Minutes Elephant's share of the token's 1,200 requests per 5 minutes
     * @param maxBatch            most writes in one batch request: 200 on the Free plan, 3,500 on paid plans
     * @param ownershipTags       also mark records with Cloudflare tags (paid plans only)
     */
    public record Cloudflare(String apiBaseUrl, String zoneId, CloudflareToken token, int requestsPer5Minutes,
                             int maxBatch, boolean ownershipTags) {
        public static final String DEFAULT_API_BASE_URL = "https://api.cloudflare.com/client/v4";
        public static final int DEFAULT_REQUESTS_PER_5_MINUTES = 1000;
        public static final int DEFAULT_MAX_BATCH = 200;

        public Cloudflare {
            Objects.requireNonNull(apiBaseUrl, "Cloudflare API base URL");
            Objects.requireNonNull(zoneId, "Cloudflare zone id");
            Objects.requireNonNull(token, "Cloudflare token");
            if (requestsPer5Minutes < 1 || requestsPer5Minutes > 1200) {
                throw new IllegalArgumentException(
                        "the Cloudflare request share must be 1..1200 per 5 minutes (the token's limit)");
            }
            if (maxBatch < 1) {
                throw new IllegalArgumentException("the Cloudflare batch size must be at least 1");
            }
        }
    }

    /** Which DNS provider the sink writes to: {@code dns.provider}. */
    public enum DnsProviderKind {
        CLOUDFLARE, ROUTE53;

        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * {@code route53.*}.
     *
     * @param hostedZoneId      the hosted zone, or null: the one named as the domain (private when records point
     *                          at private addresses, else public)
     * @param requestsPerSecond Elephant's share of the account's Route 53 request rate (documented for years as
     *                          five per second, shared by every user of the account)
     * @param maxBatch          most record writes in one change batch: each carries its mark, and an update is a
     *                          delete and a create of both, so 250 stay within 1,000 records and 32,000 characters
     */
    public record Route53(String hostedZoneId, int requestsPerSecond, int maxBatch) {
        public static final int DEFAULT_REQUESTS_PER_SECOND = 4;
        public static final int DEFAULT_MAX_BATCH = 250;

        public Route53 {
            if (requestsPerSecond < 1 || requestsPerSecond > 5) {
                throw new IllegalArgumentException("the Route 53 request share must be 1..5 per second (the "
                        + "account's documented rate)");
            }
            if (maxBatch < 1 || maxBatch > 250) {
                throw new IllegalArgumentException("the Route 53 batch size must be 1..250 (1,000 records a "
                        + "request, four per update)");
            }
        }
    }

    /** Most writes in one batch request to the configured provider. */
    public int dnsMaxBatch() {
        return dns.provider() == DnsProviderKind.CLOUDFLARE ? cloudflare.maxBatch() : route53.maxBatch();
    }

    /**
     * {@code dns.*}: the DNS sink.
     *
     * @param provider          where the records are written: Cloudflare or Route 53
     * @param reconcileInterval how often the whole zone is compared with the desired state
     * @param dryRun            plan and audit writes as {@code dry-run}, send none
     * @param readyLagBound     how long the sink may have desired records left to apply before health names it
     */
    public record Dns(DnsProviderKind provider, Duration reconcileInterval, boolean dryRun, Duration readyLagBound) {
        /** Long enough for a burst of thousands of launches under the rate limit; shorter than an alert's patience. */
        public static final Duration DEFAULT_READY_LAG_BOUND = Duration.ofMinutes(2);
        public static final Duration DEFAULT_RECONCILE_INTERVAL = Duration.ofMinutes(10);

        public Dns {
            Objects.requireNonNull(provider, "dns.provider");
            positive(reconcileInterval, "the reconcile interval");
            positive(readyLagBound, "the DNS sink's lag bound");
        }
    }

    /**
     * {@code ecs.*}.
     *
     * @param tagsFrom where an ECS task's tags (project, meeting, role) are read from
     * @param clusters the clusters (names or ARNs) whose tasks the inventory sweep compares with the table; none:
     *                 ECS tasks are not swept
     */
    public record Ecs(EcsTagSource tagsFrom, List<String> clusters) {
        public Ecs {
            Objects.requireNonNull(tagsFrom, "ECS tag source");
            clusters = List.copyOf(clusters);
        }
    }

    /**
     * {@code meetingLinks.*}.
     *
     * @param eventBus EventBridge bus (name or ARN) to put meeting links on, or null for Kafka only
     * @param source   the {@code source} of those events
     */
    public record MeetingLinks(String eventBus, String source) {
        public static final String DEFAULT_SOURCE = "elephant";

        public MeetingLinks {
            Objects.requireNonNull(source, "meeting links source");
        }
    }

    /**
     * {@code launch.*} as the machine executor and the ticker take it; {@code launch.lead} is the topology's
     * ({@link TopologyConfig#machines()}).
     *
     * @param maxRunning   the cost guard: at most this many instances launched by this deployment alive at once
     * @param concurrency  how many EC2 calls the executor makes side by side (each RunInstances takes a while)
     * @param tickInterval how often the time is written to {@code ticks}: the precision of every launch and reap
     * @param bucket       RunInstances' resource bucket as EC2 has it for the account (instances launched at once)
     * @param refillPerSecond how fast that bucket refills: launches past it are paced to this rate
     * @param requestBucket RunInstances' request bucket as EC2 has it for the account (calls at once): each launch is
     *                      a call of its own, since each seat has its own tags and client token
     * @param requestRefillPerSecond how fast that bucket refills: launches past it are paced to this rate
     * @param terminateBucket TerminateInstances' resource bucket as EC2 has it for the account (instances named at
     *                        once): terminations are paced to it, one token per instance
     * @param terminateRefillPerSecond how fast that bucket refills
     * @param terminateRequestBucket TerminateInstances' request bucket as EC2 has it for the account (calls at once):
     *                        a meeting's end or a reap is a call
     * @param terminateRequestRefillPerSecond how fast that bucket refills: terminations past it are paced to this rate
     */
    public record Launch(int maxRunning, int concurrency, Duration tickInterval, int bucket, double refillPerSecond,
                         int requestBucket, double requestRefillPerSecond, int terminateBucket,
                         double terminateRefillPerSecond, int terminateRequestBucket,
                         double terminateRequestRefillPerSecond) {
        public static final int DEFAULT_MAX_RUNNING = 100;
        public static final int DEFAULT_CONCURRENCY = 8;
        public static final Duration DEFAULT_TICK_INTERVAL = Duration.ofSeconds(5);
        /** EC2's default RunInstances resource bucket ("Request throttling for the Amazon EC2 API"). */
        public static final int DEFAULT_BUCKET = 1000;
        public static final double DEFAULT_REFILL_PER_SECOND = 2;
        /** EC2's default RunInstances request bucket: 5 calls, refilled at 2 a second (the same page). */
        public static final int DEFAULT_REQUEST_BUCKET = 5;
        public static final double DEFAULT_REQUEST_REFILL_PER_SECOND = 2;
        /** EC2's default TerminateInstances resource bucket: 1,000 instances, refilled at 20 a second (the same page). */
        public static final int DEFAULT_TERMINATE_BUCKET = 1000;
        public static final double DEFAULT_TERMINATE_REFILL_PER_SECOND = 20;
        /** EC2's default TerminateInstances request bucket: 100 calls, refilled at 5 a second (the same page). */
        public static final int DEFAULT_TERMINATE_REQUEST_BUCKET = 100;
        public static final double DEFAULT_TERMINATE_REQUEST_REFILL_PER_SECOND = 5;

        public Launch {
            if (maxRunning < 0) {
                throw new IllegalArgumentException("launch.maxRunning must not be negative");
            }
            if (concurrency < 1 || concurrency > 64) {
                throw new IllegalArgumentException("launch.concurrency must be 1..64");
            }
            positive(tickInterval, "launch.tickInterval");
            if (bucket < 1 || refillPerSecond <= 0) {
                throw new IllegalArgumentException("launch.bucket must be at least 1 and launch.refillPerSecond positive");
            }
            if (requestBucket < 1 || requestRefillPerSecond <= 0) {
                throw new IllegalArgumentException(
                        "launch.requestBucket must be at least 1 and launch.requestRefillPerSecond positive");
            }
            if (terminateBucket < 1 || terminateRefillPerSecond <= 0) {
                throw new IllegalArgumentException(
                        "launch.terminateBucket must be at least 1 and launch.terminateRefillPerSecond positive");
            }
            if (terminateRequestBucket < 1 || terminateRequestRefillPerSecond <= 0) {
                throw new IllegalArgumentException("launch.terminateRequestBucket must be at least 1 and "
                        + "launch.terminateRequestRefillPerSecond positive");
            }
        }

        /** The same with RunInstances' buckets changed: an account whose launch limits AWS raised. */
        public Launch withLaunchBuckets(int bucket, double refillPerSecond, int requestBucket,
                                        double requestRefillPerSecond) {
            return new Launch(maxRunning, concurrency, tickInterval, bucket, refillPerSecond, requestBucket,
                    requestRefillPerSecond, terminateBucket, terminateRefillPerSecond, terminateRequestBucket,
                    terminateRequestRefillPerSecond);
        }

        /** The same with another cost guard. */
        public Launch withMaxRunning(int maxRunning) {
            return new Launch(maxRunning, concurrency, tickInterval, bucket, refillPerSecond, requestBucket,
                    requestRefillPerSecond, terminateBucket, terminateRefillPerSecond, terminateRequestBucket,
                    terminateRequestRefillPerSecond);
        }

        public static Launch defaults() {
            return new Launch(DEFAULT_MAX_RUNNING, DEFAULT_CONCURRENCY, DEFAULT_TICK_INTERVAL, DEFAULT_BUCKET,
                    DEFAULT_REFILL_PER_SECOND, DEFAULT_REQUEST_BUCKET, DEFAULT_REQUEST_REFILL_PER_SECOND,
                    DEFAULT_TERMINATE_BUCKET, DEFAULT_TERMINATE_REFILL_PER_SECOND, DEFAULT_TERMINATE_REQUEST_BUCKET,
                    DEFAULT_TERMINATE_REQUEST_REFILL_PER_SECOND);
        }
    }

    /**
     * {@code reap.dryRun}: reaps are audited as {@code dry-run} and nothing is terminated. {@code reap.after} and
     * {@code reap.maxPerRun} are the topology's ({@link TopologyConfig#machines()}).
     */
    public record Reap(boolean dryRun) {}

    private static void positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
    }
}
