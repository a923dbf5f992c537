package dev.elephant.app.runtime;

import dev.elephant.events.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates Elephant's topics when they are missing, with the cleanup policy DESIGN.md gives each. */
final class TopicSetup {

    private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);
    /** Source of truth and audit: kept for a year by default. */
    private static final String LONG_RETENTION_MS = String.valueOf(365L * 24 * 3600 * 1000);

    private TopicSetup() {}

    static void ensure(Admin admin, Topics topics, int partitions, short replication)
            throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<NewTopic> missing = new ArrayList<>();
        for (String t : topics.retained()) {
            if (!existing.contains(t)) {
                missing.add(new NewTopic(t, partitions, replication).configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                        TopicConfig.RETENTION_MS_CONFIG, t.equals(topics.deadLetter())
                                ? String.valueOf(30L * 24 * 3600 * 1000) : LONG_RETENTION_MS)));
            }
        }
        for (String t : topics.compacted()) {
            if (!existing.contains(t)) {
                missing.add(new NewTopic(t, partitions, replication).configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
            }
        }
        if (missing.isEmpty()) {
            return;
        }
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
}
