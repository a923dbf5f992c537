package dev.elephant.app.config;

import dev.elephant.app.runtime.ElephantSettings;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.connector.ecs.EcsTagSource;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elephant.events.FailoverName;
import dev.elephant.events.Json;
import dev.elephant.events.Secret;
import dev.elephant.events.Topics;
import dev.elephant.sinks.certificates.CertificateSettings;
import dev.elephant.sinks.certificates.KeyType;
import dev.elephant.sinks.dns.cloudflare.CloudflareToken;
import dev.elephant.sinks.dns.plan.OwnershipMark;
import dev.elephant.topology.common.MachinePolicy;
import dev.elephant.topology.common.TopologyConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code elephant run}'s configuration: a YAML file and {@code ELEPHANT_…} environment variables,
 * validated as a whole so that every problem is reported at once, each in one line.
 */
public final class RunConfig {

    /** Every key, with its default ("" for none). The README's table is made from the same list. */
    static final Map<String, String> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("applicationId", "elephant");
        KEYS.put("stateDir", "/var/lib/elephant");
        KEYS.put("topics.prefix", Topics.DEFAULT_PREFIX);
        KEYS.put("topics.partitions", "6");
        KEYS.put("topics.replicationFactor", "3");
        KEYS.put("domain", "");
        KEYS.put("linkTemplate", TopologyConfig.DEFAULT_LINK_TEMPLATE);
        KEYS.put("address", "public");
        KEYS.put("ttl", "60");
        KEYS.put("project.tag", "Project=Elephant");
        KEYS.put("meeting.tag", "MeetingId");
        KEYS.put("role.tag", "Role");
        KEYS.put("ownerId", "");
        KEYS.put("http.host", ElephantSettings.Http.DEFAULT_HOST);
        KEYS.put("http.port", String.valueOf(ElephantSettings.Http.DEFAULT_PORT));
        KEYS.put("http.advertisedHost", ""); // moved to ops.advertisedHost: refused with that message
        KEYS.put("http.tlsCert", "");
        KEYS.put("http.tlsKey", "");
        KEYS.put("ops.host", ElephantSettings.Ops.DEFAULT_HOST);
        KEYS.put("ops.port", String.valueOf(ElephantSettings.Ops.DEFAULT_PORT));
        KEYS.put("ops.advertisedHost", "");
        KEYS.put("ops.tlsCert", "");
        KEYS.put("ops.tlsKey", "");
        KEYS.put("ingest.keyHeader", ElephantSettings.Ingest.DEFAULT_KEY_HEADER);
        KEYS.put("ingest.key", "");
        KEYS.put("ingest.keySecret", "");
        KEYS.put("ingest.basicUser", "");
        KEYS.put("ingest.basicPassword", "");
        KEYS.put("aws.region", "");
        KEYS.put("aws.endpoint", "");
        KEYS.put("aws.describeBucket", String.valueOf(ElephantSettings.Aws.DEFAULT_DESCRIBE_BUCKET));
        KEYS.put("aws.describeRefillPerSecond", "10");
        KEYS.put("cloudflare.apiBaseUrl", ElephantSettings.Cloudflare.DEFAULT_API_BASE_URL);
        KEYS.put("cloudflare.zoneId", "");
        KEYS.put("cloudflare.token", "");
        KEYS.put("cloudflare.tokenSecret", "");
        KEYS.put("cloudflare.tokenSecretField", "");
        KEYS.put("cloudflare.requestsPer5Minutes",
                String.valueOf(ElephantSettings.Cloudflare.DEFAULT_REQUESTS_PER_5_MINUTES));
        KEYS.put("cloudflare.maxBatch", String.valueOf(ElephantSettings.Cloudflare.DEFAULT_MAX_BATCH));
        KEYS.put("route53.hostedZoneId", "");
        KEYS.put("route53.requestsPerSecond", String.valueOf(ElephantSettings.Route53.DEFAULT_REQUESTS_PER_SECOND));
        KEYS.put("route53.maxBatch", String.valueOf(ElephantSettings.Route53.DEFAULT_MAX_BATCH));
        KEYS.put("dns.provider", "cloudflare");
        KEYS.put("dns.reconcileInterval", ElephantSettings.Dns.DEFAULT_RECONCILE_INTERVAL.toString());
        KEYS.put("dns.dryRun", "false");
        KEYS.put("ecs.tagsFrom", "task");
        KEYS.put("ecs.clusters", "");
        KEYS.put("meetings.retention", TopologyConfig.DEFAULT_MEETING_RETENTION.toString());
        KEYS.put("instances.retention", TopologyConfig.DEFAULT_INSTANCE_RETENTION.toString());
        KEYS.put("dns.readyLagBound", ElephantSettings.Dns.DEFAULT_READY_LAG_BOUND.toString());
        KEYS.put("cloudflare.ownershipTags", "false");
        KEYS.put("sweepInterval", "PT5M");
        KEYS.put("meetingLinks.eventBus", "");
        KEYS.put("meetingLinks.source", ElephantSettings.MeetingLinks.DEFAULT_SOURCE);
        KEYS.put("launch.lead", MachinePolicy.DEFAULT_LEAD.toString());
        KEYS.put("launch.maxRunning", String.valueOf(ElephantSettings.Launch.DEFAULT_MAX_RUNNING));
        KEYS.put("launch.concurrency", String.valueOf(ElephantSettings.Launch.DEFAULT_CONCURRENCY));
        KEYS.put("launch.tickInterval", ElephantSettings.Launch.DEFAULT_TICK_INTERVAL.toString());
        KEYS.put("launch.bucket", String.valueOf(ElephantSettings.Launch.DEFAULT_BUCKET));
        KEYS.put("launch.refillPerSecond", "2");
        KEYS.put("launch.requestBucket", String.valueOf(ElephantSettings.Launch.DEFAULT_REQUEST_BUCKET));
        KEYS.put("launch.requestRefillPerSecond", "2");
        KEYS.put("launch.terminateBucket", String.valueOf(ElephantSettings.Launch.DEFAULT_TERMINATE_BUCKET));
        KEYS.put("launch.terminateRefillPerSecond", "20");
        KEYS.put("launch.terminateRequestBucket",
                String.valueOf(ElephantSettings.Launch.DEFAULT_TERMINATE_REQUEST_BUCKET));
        KEYS.put("launch.terminateRequestRefillPerSecond", "5");
        KEYS.put("reap.after", MachinePolicy.DEFAULT_REAP_AFTER.toString());
        KEYS.put("reap.dryRun", "false");
        KEYS.put("reap.maxPerRun", String.valueOf(MachinePolicy.DEFAULT_REAP_MAX_PER_TICK));
        KEYS.put("certificates.enabled", "false");
        KEYS.put("certificates.directory", CertificateSettings.LETS_ENCRYPT.toString());
        KEYS.put("certificates.email", "");
        KEYS.put("certificates.names", "");
        KEYS.put("certificates.keyType", KeyType.EC_P256.text());
        KEYS.put("certificates.secret", CertificateSettings.DEFAULT_SECRET);
        KEYS.put("certificates.accountKeySecret", CertificateSettings.DEFAULT_ACCOUNT_KEY_SECRET);
        KEYS.put("certificates.renewBefore", CertificateSettings.DEFAULT_RENEW_BEFORE.toString());
        KEYS.put("certificates.retryMin", CertificateSettings.DEFAULT_RETRY_MIN.toString());
        KEYS.put("certificates.retryMax", CertificateSettings.DEFAULT_RETRY_MAX.toString());
        KEYS.put("certificates.attemptTimeout", CertificateSettings.DEFAULT_ATTEMPT_TIMEOUT.toString());
        KEYS.put("certificates.acmeCaCert", "");
    }

    /** Every setting's key and its environment variable, in the README's order ({@code kafka.*} passes through besides). */
    public static Map<String, String> environmentVariables() {
        Map<String, String> env = new LinkedHashMap<>();
        KEYS.keySet().forEach(k -> env.put(k, FlatConfig.envName(k)));
        return env;
    }

    private RunConfig() {}

    /** Reads a secret's string from Secrets Manager in the configured region (and endpoint, if any). */
    public interface SecretReader {
        String read(String secretId, String region, URI endpoint) throws IOException;
    }

    /** One line per problem; thrown when any key is missing or wrong. */
    public static final class Invalid extends Exception {
        private final List<String> problems;

        Invalid(List<String> problems) {
            super(String.join("\n", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    public static ElephantSettings load(Path file, Map<String, String> env, SecretReader secrets)
            throws Invalid, IOException {
        FlatConfig c = new FlatConfig(KEYS.keySet());
        if (file != null) {
            if (!Files.isReadable(file)) {
                throw new Invalid(List.of("config: cannot read " + file));
            }
            c.readYaml(file);
        }
        c.readEnvironment(env);
        return new Builder(c, secrets).build();
    }

    /** Collects every problem while reading the values. */
    private static final class Builder {
        private final FlatConfig c;
        private final SecretReader secrets;
        private final List<String> problems = new ArrayList<>();

        Builder(FlatConfig c, SecretReader secrets) {
            this.c = c;
            this.secrets = secrets;
        }

        private String value(String key) {
            String v = c.get(key);
            String dflt = KEYS.get(key);
            return v != null ? v : dflt == null || dflt.isEmpty() ? null : dflt;
        }

        private String required(String key, String what) {
            String v = value(key);
            if (v == null) {
                problems.add(key + " (" + FlatConfig.envName(key) + "): missing; " + what);
            }
            return v;
        }

        private <T> T parsed(String key, Function<String, T> parse, String expected) {
            String v = value(key);
            if (v == null) {
                return null;
            }
            try {
                return parse.apply(v);
            } catch (RuntimeException e) {
                problems.add(key + " (" + FlatConfig.envName(key) + "): " + v + " is not " + expected);
                return null;
            }
        }

        private int intIn(String key, int min, int max) {
            Integer v = parsed(key, Integer::parseInt, "a whole number");
            if (v != null && (v < min || v > max)) {
                problems.add(key + " (" + FlatConfig.envName(key) + "): " + v + " must be " + min + ".." + max);
            }
            return v == null ? min : v;
        }

        /** A rate that must be positive; 1 when it is not (the problem is recorded, and nothing is built). */
        private double positiveRate(String key, String expected) {
            Double v = parsed(key, Double::parseDouble, expected);
            if (v != null && !(v > 0)) {
                problems.add(key + " (" + FlatConfig.envName(key) + "): must be positive");
            }
            return v == null || !(v > 0) ? 1 : v;
        }

        private Duration duration(String key) {
            Duration d = parsed(key, s -> {
                try {
                    return Duration.parse(s);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException(e);
                }
            }, "an ISO-8601 duration such as PT10M");
            if (d != null && (d.isNegative() || d.isZero())) {
                problems.add(key + ": must be positive");
            }
            return d == null ? Duration.ofMinutes(1) : d;
        }

        private Path readableFile(String key) {
            String v = value(key);
            if (v == null) {
                return null;
            }
            Path p = Path.of(v);
            if (!Files.isReadable(p)) {
                problems.add(key + " (" + FlatConfig.envName(key) + "): cannot read " + v);
            }
            return p;
        }

        ElephantSettings build() throws Invalid {
            for (String unknown : c.unknownKeys()) {
                problems.add(unknown + ": not a setting Elephant knows (misspelt?)");
            }
            Map<String, Object> kafka = new HashMap<>(c.withPrefix("kafka."));
            if (!kafka.containsKey("bootstrap.servers")) {
                problems.add("kafka.bootstrap.servers (ELEPHANT_KAFKA_BOOTSTRAP_SERVERS): missing; the Kafka or MSK "
                        + "bootstrap brokers, host:port,…");
            }
            String domain = required("domain", "the DNS domain Elephant manages, such as meet.example.com");
            ElephantSettings.DnsProviderKind provider = parsed("dns.provider",
                    s -> ElephantSettings.DnsProviderKind.valueOf(s.toUpperCase(Locale.ROOT)), "cloudflare or route53");
            boolean onCloudflare = provider != ElephantSettings.DnsProviderKind.ROUTE53;
            String zoneId = onCloudflare ? required("cloudflare.zoneId",
                    "the id of the Cloudflare zone that holds the domain") : null;
            int route53Share = intIn("route53.requestsPerSecond", 1, 5);
            int route53Batch = intIn("route53.maxBatch", 1, 250);
            String ownerId = required("ownerId", "names this deployment in the mark on every record it owns");
            String region = required("aws.region", "the AWS region of the instances, such as eu-west-1");
            int partitions = intIn("topics.partitions", 1, 10_000);
            int replication = intIn("topics.replicationFactor", 1, 32);
            int ttl = intIn("ttl", 1, 86_400);
            int port = intIn("http.port", 0, 65_535);
            int share = intIn("cloudflare.requestsPer5Minutes", 1, 1200);
            int maxBatch = intIn("cloudflare.maxBatch", 1, 3500);
            Duration reconcile = duration("dns.reconcileInterval");
            Duration sweep = duration("sweepInterval");
            Duration lagBound = duration("dns.readyLagBound");
            Duration meetingRetention = duration("meetings.retention");
            Duration instanceRetention = duration("instances.retention");
            Duration lead = duration("launch.lead");
            int maxRunning = intIn("launch.maxRunning", 0, 100_000);
            int concurrency = intIn("launch.concurrency", 1, 64);
            Duration tickInterval = duration("launch.tickInterval");
            int launchBucket = intIn("launch.bucket", 1, 1_000_000);
            int launchRequestBucket = intIn("launch.requestBucket", 1, 100_000);
            double requestRefill = positiveRate("launch.requestRefillPerSecond", "a number of calls per second");
            int terminateBucket = intIn("launch.terminateBucket", 1, 1_000_000);
            double terminateRefill = positiveRate("launch.terminateRefillPerSecond", "a number of instances per second");
            int terminateRequestBucket = intIn("launch.terminateRequestBucket", 1, 100_000);
            double terminateRequestRefill = positiveRate("launch.terminateRequestRefillPerSecond",
                    "a number of calls per second");
            int describeBucket = intIn("aws.describeBucket", 1, 100_000);
            double describeRefill = positiveRate("aws.describeRefillPerSecond", "a number of calls per second");
            double refill = positiveRate("launch.refillPerSecond", "a number of launches per second");
            // "off": the safety net reaps nothing.
            Duration reapAfter = "off".equals(value("reap.after")) ? null : duration("reap.after");
            Boolean reapDryRun = flag("reap.dryRun");
            int reapMaxPerRun = intIn("reap.maxPerRun", 1, 10_000);
            EcsTagSource ecsTags = parsed("ecs.tagsFrom", s -> switch (s) {
                case "task" -> EcsTagSource.TASK;
                case "networkInterface" -> EcsTagSource.NETWORK_INTERFACE;
                default -> throw new IllegalArgumentException();
            }, "task or networkInterface");
            Boolean dryRun = flag("dns.dryRun");
            Boolean ownershipTags = flag("cloudflare.ownershipTags");
            URI awsEndpoint = parsed("aws.endpoint", URI::create, "a URL");
            TopologyConfig.AddressKind address = parsed("address",
                    s -> TopologyConfig.AddressKind.valueOf(s.toUpperCase(Locale.ROOT)), "public or private");
            ProjectFilter project = parsed("project.tag", s -> {
                int eq = s.indexOf('=');
                if (eq <= 0 || eq == s.length() - 1) {
                    throw new IllegalArgumentException();
                }
                return new ProjectFilter(s.substring(0, eq), s.substring(eq + 1));
            }, "KEY=VALUE");
            Path tlsCert = readableFile("http.tlsCert");
            Path tlsKey = readableFile("http.tlsKey");
            if ((tlsCert == null) != (tlsKey == null)) {
                problems.add("http.tlsCert and http.tlsKey: set both or neither");
            }
            int opsPort = intIn("ops.port", 0, 65_535);
            Path opsCert = readableFile("ops.tlsCert");
            Path opsKey = readableFile("ops.tlsKey");
            if ((opsCert == null) != (opsKey == null)) {
                problems.add("ops.tlsCert and ops.tlsKey: set both or neither");
            }
            if (value("http.advertisedHost") != null) {
                problems.add("http.advertisedHost (ELEPHANT_HTTP_ADVERTISED_HOST): moved to ops.advertisedHost "
                        + "(ELEPHANT_OPS_ADVERTISED_HOST): the instances forward queries to each other's operations "
                        + "listener");
            }
            String ingestKey = ingestKey(region, awsEndpoint);
            String basicUser = value("ingest.basicUser");
            String basicPassword = value("ingest.basicPassword");
            if ((basicUser == null) != (basicPassword == null)) {
                problems.add("ingest.basicUser and ingest.basicPassword: set both or neither");
            }
            CloudflareToken token = onCloudflare ? cloudflareToken(region, awsEndpoint) : null;
            TopologyConfig topology = null;
            if (domain != null) {
                try {
                    // An invalid address kind is reported above; the domain and ttl are checked all the same.
                    topology = new TopologyConfig(new Topics(value("topics.prefix")), domain, value("linkTemplate"),
                            address != null ? address : TopologyConfig.AddressKind.PUBLIC, value("meeting.tag"),
                            value("role.tag"), ttl, meetingRetention, instanceRetention);
                } catch (IllegalArgumentException e) {
                    problems.add("domain/ttl/instances.retention: " + e.getMessage());
                }
                if (topology != null) {
                    try {
                        topology = topology.withMachines(new MachinePolicy(lead, reapAfter, reapMaxPerRun,
                                MachinePolicy.DEFAULT_RETRY_AFTER, MachinePolicy.DEFAULT_RETRY_MAX,
                                MachinePolicy.DEFAULT_KEEP_TAG));
                    } catch (IllegalArgumentException e) {
                        problems.add("launch.lead/reap.after: " + e.getMessage());
                    }
                }
            }
            CertificateSettings certificates = domain == null ? null : certificates(domain);
            List<FailoverName> failover = failover();
            if (ownerId != null && OwnershipMark.problemWith(ownerId) != null) {
                problems.add("ownerId (ELEPHANT_OWNER_ID): " + OwnershipMark.problemWith(ownerId));
            }
            if (!problems.isEmpty()) {
                throw new Invalid(problems);
            }
            return new ElephantSettings(value("applicationId"), Path.of(value("stateDir")), ownerId, project, sweep,
                    new ElephantSettings.Kafka(kafka),
                    new ElephantSettings.TopicSettings(topology.topics(), partitions, (short) replication),
                    topology,
                    new ElephantSettings.Http(value("http.host"), port, tlsCert, tlsKey),
                    new ElephantSettings.Ops(value("ops.host"), opsPort, value("ops.advertisedHost"), opsCert, opsKey),
                    new ElephantSettings.Ingest(value("ingest.keyHeader"), Secret.of(ingestKey), basicUser,
                            basicPassword == null ? null : Secret.of(basicPassword)),
                    new ElephantSettings.Aws(region, awsEndpoint, false, describeBucket, describeRefill),
                    onCloudflare ? new ElephantSettings.Cloudflare(value("cloudflare.apiBaseUrl"), zoneId, token, share,
                            maxBatch, Boolean.TRUE.equals(ownershipTags)) : null,
                    new ElephantSettings.Route53(value("route53.hostedZoneId"), route53Share, route53Batch),
                    new ElephantSettings.Dns(provider, reconcile, Boolean.TRUE.equals(dryRun), lagBound),
                    new ElephantSettings.Ecs(ecsTags, list("ecs.clusters")),
                    new ElephantSettings.MeetingLinks(value("meetingLinks.eventBus"), value("meetingLinks.source")),
                    new ElephantSettings.Launch(maxRunning, concurrency, tickInterval, launchBucket,
                            refill, launchRequestBucket, requestRefill, terminateBucket, terminateRefill,
                            terminateRequestBucket, terminateRequestRefill),
                    new ElephantSettings.Reap(Boolean.TRUE.equals(reapDryRun)), certificates, failover);
        }

        /** {@code certificates.*}, or null while {@code certificates.enabled} is false. */
        private CertificateSettings certificates(String domain) {
            Boolean enabled = flag("certificates.enabled");
            if (!Boolean.TRUE.equals(enabled)) {
                return null;
            }
            URI directory = parsed("certificates.directory", URI::create, "a URL");
            KeyType keyType = parsed("certificates.keyType", KeyType::parse, "ec-p256 or rsa-2048");
            List<String> names = list("certificates.names");
            Path ca = readableFile("certificates.acmeCaCert");
            String caPem = null;
            if (ca != null && Files.isReadable(ca)) {
                try {
                    caPem = Files.readString(ca);
                } catch (IOException e) {
                    problems.add("certificates.acmeCaCert: cannot read " + ca + ": " + e.getMessage());
                }
            }
            Duration renewBefore = duration("certificates.renewBefore");
            Duration retryMin = duration("certificates.retryMin");
            Duration retryMax = duration("certificates.retryMax");
            Duration attemptTimeout = duration("certificates.attemptTimeout");
            if (directory == null || keyType == null) {
                return null;
            }
            try {
                return new CertificateSettings(directory, value("certificates.email"),
                        names.isEmpty() ? CertificateSettings.defaultNames(domain) : names, keyType,
                        value("certificates.secret"), value("certificates.accountKeySecret"), renewBefore, retryMin,
                        retryMax, attemptTimeout, caPem, domain);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
                return null;
            }
        }

        /**
         * {@code failover.<name>.…}: each name's declaration with the fields of {@code POST /v1/failover}
         * ({@code failover.db.primary.address}, {@code failover.db.check.port}, …), checked as the API checks them.
         */
        private List<FailoverName> failover() {
            Map<String, ObjectNode> byName = new java.util.TreeMap<>();
            c.withPrefix("failover.").forEach((key, value) -> {
                String[] path = key.split("\\.");
                ObjectNode node = byName.computeIfAbsent(path[0], n -> Json.mapper().createObjectNode());
                for (int i = 1; i < path.length - 1; i++) {
                    node = node.has(path[i]) && node.get(path[i]).isObject() ? (ObjectNode) node.get(path[i])
                            : node.putObject(path[i]);
                }
                if (path.length > 1) {
                    node.put(path[path.length - 1], value);
                }
            });
            List<FailoverName> names = new ArrayList<>();
            byName.forEach((name, node) -> {
                try {
                    names.add(FailoverName.parse(node, name, FailoverName.SOURCE_CONFIG, "config",
                            java.time.Instant.EPOCH));
                } catch (FailoverName.Invalid e) {
                    e.problems().forEach(p -> problems.add("failover." + name + ": " + p));
                }
            });
            return names;
        }

        /** A list, in YAML or comma-separated in the environment; empty when not set. */
        private List<String> list(String key) {
            String v = value(key);
            if (v == null) {
                return List.of();
            }
            return Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
        }

        private Boolean flag(String key) {
            return parsed(key, v -> switch (v.toLowerCase(Locale.ROOT)) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> throw new IllegalArgumentException();
            }, "true or false");
        }

        /** The ingest key as given, or read from the secret `elephant aws install` keeps it in. */
        private String ingestKey(String region, URI endpoint) {
            String key = value("ingest.key");
            String secret = value("ingest.keySecret");
            if (key != null && secret != null) {
                problems.add("ingest.key and ingest.keySecret: set one, not both");
            }
            if (key != null || secret == null) {
                return key != null ? key : required("ingest.key", "the key EventBridge's connection sends "
                        + "(ELEPHANT_INGEST_KEY), or ingest.keySecret naming the secret that holds it");
            }
            if (region == null) {
                return "missing"; // reported as aws.region
            }
            try {
                String read = secrets.read(secret, region, endpoint);
                if (read == null || read.isBlank()) {
                    problems.add("ingest.keySecret: the secret " + secret + " is empty");
                    return "missing";
                }
                return read.trim();
            } catch (IOException e) {
                problems.add("ingest.keySecret: cannot read " + secret + " from Secrets Manager: " + e.getMessage());
                return "missing";
            }
        }

        /** From the environment (or file), else from Secrets Manager; never echoed in a message. */
        private CloudflareToken cloudflareToken(String region, URI endpoint) {
            String token = value("cloudflare.token");
            String secret = value("cloudflare.tokenSecret");
            CloudflareToken missing = CloudflareToken.fixed(Secret.of("missing"));
            if (token != null && secret != null) {
                problems.add("cloudflare.token and cloudflare.tokenSecret: set one, not both");
                return missing;
            }
            if (token != null) {
                return CloudflareToken.fixed(Secret.of(token));
            }
            if (secret == null) {
                problems.add("cloudflare.token (ELEPHANT_CLOUDFLARE_TOKEN) or cloudflare.tokenSecret "
                        + "(ELEPHANT_CLOUDFLARE_TOKEN_SECRET, a Secrets Manager ARN or name): missing");
                return missing;
            }
            if (region == null) {
                return missing; // reported as aws.region
            }
            try {
                return new SecretsManagerToken(secrets, secret, value("cloudflare.tokenSecretField"), region, endpoint,
                        java.time.Clock.systemUTC());
            } catch (SecretsManagerToken.Unreadable e) {
                problems.add(e.getMessage());
                return missing;
            }
        }
    }
}
