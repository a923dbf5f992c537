package dev.elephant.app.runtime;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether a consumer group (the topology's, the DNS sink's) has processed everything in some of the topics it reads.
 */
public final class TopologyLag {

    private TopologyLag() {}

    /**
     * @param topics the topics that count (inputs and internal ones alike); a partition the group has no committed
     *               offset for counts from its start, one with nothing in it never holds back
     */
    public static boolean isCaughtUp(Admin admin, String applicationId, List<String> topics)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        committed.keySet().stream().filter(tp -> topics.contains(tp.topic()))
                .forEach(tp -> ends.put(tp, OffsetSpec.latest()));
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<String> present = topics.stream().filter(existing::contains).toList();
        for (var e : admin.describeTopics(present).allTopicNames().get(30, TimeUnit.SECONDS).entrySet()) {
            e.getValue().partitions().forEach(p -> ends.put(new TopicPartition(e.getKey(), p.partition()),
                    OffsetSpec.latest()));
        }
        for (var e : admin.listOffsets(ends).all().get(30, TimeUnit.SECONDS).entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            long position = c == null ? 0 : c.offset();
            if (e.getValue().offset() > 0 && position < e.getValue().offset()) {
                return false;
            }
        }
        return true;
    }
}
