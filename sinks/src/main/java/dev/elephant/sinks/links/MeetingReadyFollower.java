package dev.elephant.sinks.links;

import dev.elephant.events.JsonSerde;
import dev.elephant.events.MeetingReady;
import dev.elephant.events.UtcInstants;
import dev.elephant.sinks.Backoff;
import dev.elephant.sinks.ConsumerLoop;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code meeting-ready} on its own consumer: measures the time from a meeting's "scheduled" to
 * its links being ready, and hands every change to the publisher when one is configured (at least
 * once: offsets are committed only after the publisher took the batch; a failed batch is retried
 * with backoff, never skipped).
 */
public final class MeetingReadyFollower extends ConsumerLoop {

    private static final Logger log = LoggerFactory.getLogger(MeetingReadyFollower.class);
    static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));

    private final String topic;
    private final MeetingLinkPublisher publisher;
    private final Timer scheduledToReady;
    private final JsonSerde<MeetingReady> serde = JsonSerde.of(MeetingReady.class);

    /** @param publisher where links go besides Kafka, or null to only measure */
    public MeetingReadyFollower(Map<String, Object> clientProperties, String groupId, String topic,
                                MeetingLinkPublisher publisher, MeterRegistry metrics, Clock clock) {
        super("meeting-links", committedReader(clientProperties, groupId, "elephant-meeting-links", Map.of()),
                BACKOFF, clock);
        this.topic = topic;
        this.publisher = publisher;
        this.scheduledToReady = Timer.builder("elephant.meeting.scheduled.to.ready")
                .description("From a meeting's scheduled event to its links being published on meeting-ready")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofSeconds(1))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(metrics);
    }

    @Override
    protected void subscribe() {
        consumer.subscribe(List.of(topic));
    }

    @Override
    protected boolean pollOnce() {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
        if (records.isEmpty()) {
            return true;
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
        if (publisher != null && !untilDone(changes.size() + " meeting link change(s) not published",
                () -> publisher.publish(changes))) {
            return false; // stopping: offsets stay uncommitted, the batch is published again next start
        }
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (TopicPartition p : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> of = records.records(p);
            next.put(p, new OffsetAndMetadata(of.get(of.size() - 1).offset() + 1));
        }
        // Refused when a long outage of the bus kept this loop past max.poll.interval.ms: the loop then goes
        // back to the last commit and publishes again (at least once; subscribers deduplicate by eventId).
        consumer.commitSync(next);
        return true;
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
}
