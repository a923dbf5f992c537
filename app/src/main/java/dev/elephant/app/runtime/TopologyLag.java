package dev.elephant.app.runtime;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Whether the topology has processed everything in its input and internal topics. */
final class TopologyLag {

    private TopologyLag() {}

    static boolean isCaughtUp(Admin admin, String applicationId, List<String> inputs)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        committed.keySet().forEach(tp -> ends.put(tp, OffsetSpec.latest()));
        for (var e : admin.describeTopics(inputs).allTopicNames().get(30, TimeUnit.SECONDS).entrySet()) {
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
