package dev.elephant.app.runtime;

import dev.elephant.events.TopicDurability;
import dev.elephant.events.Topics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates Elephant's topics when they are missing, with the cleanup policy DESIGN.md gives each. */
final class TopicSetup {

    private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);
    /** Source of truth and audit: kept for a year by default. */
    private static final String LONG_RETENTION_MS = String.valueOf(365L * 24 * 3600 * 1000);
    /**
     * The segments of the latest-value topics: 16 MiB instead of Kafka's 1 GiB. The log cleaner compacts only segments
     * that have rolled, and every start of the DNS sink reads {@code dns-desired} whole: after a replay, which writes a
     * history's worth of desired records in minutes, a 1 GiB segment held every one of them uncompacted (a million
     * records for the replay benchmark's million events, where the names are 125,750).
     */
    static final String COMPACTED_SEGMENT_BYTES = String.valueOf(16 * 1024 * 1024);

    private TopicSetup() {}

    static void ensure(Admin admin, Topics topics, int partitions, short replication)
            throws ExecutionException, InterruptedException, TimeoutException, IOException {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<NewTopic> missing = new ArrayList<>();
        for (String t : topics.retained()) {
            if (!existing.contains(t)) {
                missing.add(new NewTopic(t, partitions, replication).configs(creationConfigs(topics, t, replication)));
            }
        }
        for (String t : topics.compacted()) {
            if (!existing.contains(t)) {
                missing.add(new NewTopic(t, partitions, replication).configs(creationConfigs(topics, t, replication)));
            }
        }
        if (!missing.isEmpty()) {
            create(admin, missing);
        }
        // Topics just created take a moment to show in metadata everywhere.
        for (int attempt = 1; ; attempt++) {
            try {
                verify(admin, topics);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || attempt == 20) {
                    throw e;
                }
                Thread.sleep(250);
            }
        }
    }

    /** The configuration a topic Elephant creates gets: its cleanup, its retention, its durability. */
    static Map<String, String> creationConfigs(Topics topics, String topic, short replication) {
        Map<String, String> configs = new HashMap<>();
        if (topics.compacted().contains(topic)) {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            configs.put(TopicConfig.SEGMENT_BYTES_CONFIG, COMPACTED_SEGMENT_BYTES);
        } else {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
            configs.put(TopicConfig.RETENTION_MS_CONFIG, topic.equals(topics.deadLetter())
                    ? String.valueOf(30L * 24 * 3600 * 1000)
                    // A name's target depends on its last few results only; a week is plenty to audit a flip.
                    : topic.equals(topics.failoverChecks()) ? String.valueOf(7L * 24 * 3600 * 1000)
                    : LONG_RETENTION_MS);
        }
        int minInSync = TopicDurability.minInSyncReplicasFor(replication);
        if (minInSync > 0) {
            configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(minInSync));
        }
        return configs;
    }

    private static void create(Admin admin, List<NewTopic> missing)
            throws ExecutionException, InterruptedException, TimeoutException {
        for (var entry : admin.createTopics(missing).values().entrySet()) {
            try {
                entry.getValue().get(30, TimeUnit.SECONDS);
                log.info("created topic {}", entry.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Topics users manage themselves must still fit: the source of truth and the audit must not be
     * compacted away, the latest-value topics must be compacted, a topic of three replicas or more must
     * not acknowledge a write held by one ({@link TopicDurability}), and every topic needs the same
     * partition count (the topology joins them, and the DNS sink finds a name's audit records in the
     * partition of the same number).
     */
    static void verify(Admin admin, Topics topics) throws ExecutionException, InterruptedException, TimeoutException,
            IOException {
        List<String> all = new ArrayList<>(topics.retained());
        all.addAll(topics.compacted());
        Map<String, Integer> partitions = new HashMap<>();
        Map<String, Integer> replicas = new HashMap<>();
        admin.describeTopics(all).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, d) -> {
            partitions.put(name, d.partitions().size());
            replicas.put(name, d.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0));
        });
        List<ConfigResource> resources = all.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
        List<String> problems = new ArrayList<>();
        for (String t : all) {
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t));
            String policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            var minInSync = config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
            String durability = TopicDurability.problem(t, replicas.get(t),
                    minInSync == null ? 1 : Integer.parseInt(minInSync.value()));
            if (durability != null) {
                problems.add(durability);
            }
            boolean compacted = policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT);
            if (topics.compacted().contains(t) && !compacted) {
                problems.add(t + " must have cleanup.policy=compact (it has " + policy + ")");
            }
            if (topics.retained().contains(t) && compacted) {
                problems.add(t + " must not be compacted: it is " + (t.equals(topics.dnsMutations()) ? "the audit trail"
                        : "a log Elephant replays") + " (cleanup.policy is " + policy + ")");
            }
        }
        if (partitions.values().stream().distinct().count() > 1) {
            problems.add("Elephant's topics must all have the same number of partitions; they have " + partitions);
        }
        if (!problems.isEmpty()) {
            throw new IOException("Elephant's topics do not fit: " + String.join("; ", problems));
        }
    }
}
