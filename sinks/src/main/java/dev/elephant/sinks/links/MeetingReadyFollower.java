package dev.elephant.sinks.links;

import dev.elephant.events.JsonSerde;
import dev.elephant.events.MeetingReady;
import dev.elephant.events.UtcInstants;
import dev.elephant.sinks.SinkLoops;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code meeting-ready} on its own consumer: measures the time from a meeting's "scheduled" to
 * its links being ready, and hands every change to the publisher when one is configured (at least
 * once: offsets are committed only after the publisher took the batch; a failed batch is retried
 * with backoff, never skipped).
 */
public final class MeetingReadyFollower implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MeetingReadyFollower.class);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final MeetingLinkPublisher publisher;
    private final Timer scheduledToReady;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread thread;
    private final JsonSerde<MeetingReady> serde = JsonSerde.of(MeetingReady.class);

    /** @param publisher where links go besides Kafka, or null to only measure */
    public MeetingReadyFollower(Map<String, Object> clientProperties, String groupId, String topic,
                                MeetingLinkPublisher publisher, MeterRegistry metrics) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // the topology writes in transactions
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "elephant-meeting-links");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.publisher = publisher;
        this.scheduledToReady = Timer.builder("elephant.meeting.scheduled.to.ready")
                .description("From a meeting's scheduled event to its links being published on meeting-ready")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofSeconds(1))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(metrics);
        this.thread = new Thread(this::run, "elephant-meeting-links");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic));
            while (stopping.getCount() > 0) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                List<MeetingLinkChange> changes = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> r : records) {
                    MeetingReady ready;
                    try {
                        ready = r.value() == null ? null : serde.deserializer().deserialize(topic, r.value());
                    } catch (SerializationException e) {
                        // Only the topology writes here; a record it cannot have written stays in the log, unread.
                        log.error("meeting-ready {} offset {}: not a MeetingReady ({}); skipped", r.partition(),
                                r.offset(), e.getMessage());
                        continue;
                    }
                    changes.add(MeetingLinkChange.of(r.key(), ready));
                    if (ready != null) {
                        measure(r);
                    }
                }
                if (publisher != null && !publishUntilDone(changes)) {
                    return; // stopping: offsets stay uncommitted, the batch is published again next start
                }
                Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                for (TopicPartition p : records.partitions()) {
                    List<ConsumerRecord<String, byte[]>> of = records.records(p);
                    next.put(p, new OffsetAndMetadata(of.get(of.size() - 1).offset() + 1));
                }
                consumer.commitSync(next);
            }
        } catch (WakeupException e) {
            // close() woke us up
        } catch (RuntimeException e) {
            log.error("meeting link follower stopped: {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void measure(ConsumerRecord<String, byte[]> r) {
        Header scheduled = r.headers().lastHeader(MeetingReady.SCHEDULED_TIME_HEADER);
        if (scheduled == null) {
            return; // ready before the meeting service said when: nothing to measure from
        }
        try {
            Instant from = UtcInstants.parse(new String(scheduled.value(), StandardCharsets.UTF_8));
            Duration took = Duration.between(from, Instant.ofEpochMilli(r.timestamp()));
            if (!took.isNegative()) {
                scheduledToReady.record(took);
            }
        } catch (DateTimeParseException e) {
            log.warn("meeting {}: unreadable {} header", r.key(), MeetingReady.SCHEDULED_TIME_HEADER);
        }
    }

    private boolean publishUntilDone(List<MeetingLinkChange> changes) {
        Duration backoff = MIN_BACKOFF;
        while (stopping.getCount() > 0) {
            try {
                publisher.publish(changes);
                return true;
            } catch (IOException | RuntimeException e) {
                log.warn("{} meeting link change(s) not published ({}); retrying in {} ms", changes.size(),
                        e.getMessage(), backoff.toMillis());
            }
            if (!SinkLoops.pause(stopping, backoff)) {
                return false;
            }
            backoff = SinkLoops.doubled(backoff, MAX_BACKOFF);
        }
        return false;
    }

    public boolean isAlive() {
        return thread.isAlive();
    }

    @Override
    public void close() {
        SinkLoops.stop(stopping, consumer, thread);
    }
}
