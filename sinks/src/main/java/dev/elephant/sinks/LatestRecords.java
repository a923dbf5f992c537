package dev.elephant.sinks;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows some partitions of a topic from the beginning, on a thread of its own, keeping the latest committed record
 * of each key, until {@link #stop}: then what it read and where each partition's reading stopped, for a
 * {@link TopicSnapshot#scan} from there to finish the read. A reader that will need a topic whole at a moment yet to
 * come (a replay's DNS sink, once the topology has caught up) reads it meanwhile, and only the tail then.
 */
public final class LatestRecords implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LatestRecords.class);
    /** Between polls the broker may hold a fetch until a mebibyte has come, or half a second: few, large reads. */
    private static final int FOLLOW_FETCH_MIN_BYTES = 1 << 20;
    private static final int FOLLOW_FETCH_MAX_WAIT_MS = 500;

    /** The latest record of each key read, and where each partition's reading stopped. */
    public record Read(Map<String, ConsumerRecord<String, byte[]>> latest, Map<TopicPartition, Long> positions,
                       long recordsRead) {}

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final Map<String, ConsumerRecord<String, byte[]>> latest = new HashMap<>();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile RuntimeException failure;
    private volatile long recordsRead;

    private LatestRecords(Map<String, Object> clientProperties, Collection<TopicPartition> partitions) {
        Map<String, Object> props = TopicSnapshot.scanProperties(clientProperties);
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, FOLLOW_FETCH_MIN_BYTES);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FOLLOW_FETCH_MAX_WAIT_MS);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "elephant-latest-records");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.partitions = List.copyOf(partitions);
        this.thread = new Thread(this::follow, "elephant-latest-records");
        this.thread.setDaemon(true);
    }

    /** Starts following {@code partitions} from their beginning. */
    public static LatestRecords follow(Map<String, Object> clientProperties, Collection<TopicPartition> partitions) {
        LatestRecords r = new LatestRecords(clientProperties, partitions);
        r.thread.start();
        return r;
    }

    private void follow() {
        try {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!stopping) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                    latest.put(r.key(), r);
                    recordsRead++; // one writer: this thread
                }
            }
        } catch (WakeupException e) {
            // stop() asked: what was read so far is kept
        } catch (RuntimeException e) {
            failure = e;
            log.warn("following {} stopped: {}", partitions, e.toString());
        }
    }

    /** Records read so far. */
    public long recordsRead() {
        return recordsRead;
    }

    /**
     * Stops following and hands over what was read, or null when the following failed (the reader then reads the
     * topic whole, as it would have without this). Only the first call hands anything over.
     */
    public synchronized Read stop() throws InterruptedException {
        if (stopping) {
            return null;
        }
        halt(0);
        try {
            if (failure != null) {
                return null;
            }
            Map<TopicPartition, Long> positions = new HashMap<>();
            for (TopicPartition p : partitions) {
                positions.put(p, position(p));
            }
            return new Read(latest, positions, recordsRead);
        } catch (RuntimeException e) {
            log.warn("following {}: where it stopped is not known ({}); it is read whole", partitions, e.toString());
            return null;
        } finally {
            consumer.close(Duration.ZERO);
        }
    }

    private long position(TopicPartition p) {
        try {
            return consumer.position(p, Duration.ofSeconds(10));
        } catch (WakeupException e) {
            // the wakeup came after the last poll: it is spent on this call instead
            return consumer.position(p, Duration.ofSeconds(10));
        }
    }

    /** Ends the following thread, which leaves the consumer to the caller ({@code waitMillis} 0: however long). */
    private void halt(long waitMillis) throws InterruptedException {
        stopping = true;
        consumer.wakeup();
        thread.join(waitMillis);
    }

    @Override
    public synchronized void close() {
        if (stopping) {
            return;
        }
        try {
            halt(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close(Duration.ZERO);
        }
    }
}
