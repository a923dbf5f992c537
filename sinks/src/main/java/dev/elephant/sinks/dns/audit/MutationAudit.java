package dev.elephant.sinks.dns.audit;

import dev.elephant.events.DeadLetter;
import dev.elephant.events.DnsMutation;
import dev.elephant.events.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes the audit trail to {@code dns-mutations} and waits for the broker: an intent is durable
 * before the provider is called, so a crash can leave an intent without an outcome but never a write
 * without an intent.
 */
public final class MutationAudit implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final String deadLetterTopic;
    private final Duration timeout;

    public MutationAudit(Map<String, Object> clientProperties, String topic, String deadLetterTopic, Duration timeout) {
        this.deadLetterTopic = deadLetterTopic;
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "elephant-dns-audit");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.timeout = timeout;
    }

    public void record(DnsMutation mutation) throws AuditUnavailable {
        recordAll(List.of(mutation));
    }

    /** Writes all, then waits until the broker acknowledged every one. */
    public void recordAll(List<DnsMutation> mutations) throws AuditUnavailable {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        try {
            for (DnsMutation m : mutations) {
                acks.add(producer.send(new ProducerRecord<>(topic, m.name(), Json.toBytes(m))));
            }
            awaitAll(acks, topic);
        } catch (KafkaException e) {
            throw new AuditUnavailable("cannot write to " + topic + ": " + e.getClass().getSimpleName(), e);
        }
    }

    /** A desired record that can never be applied (a foreign record holds the name, the provider refuses it). */
    public void deadLetter(String name, DeadLetter letter) throws AuditUnavailable {
        try {
            awaitAll(List.of(producer.send(new ProducerRecord<>(deadLetterTopic, name, Json.toBytes(letter)))),
                    deadLetterTopic);
        } catch (KafkaException e) {
            throw new AuditUnavailable("cannot write to " + deadLetterTopic + ": " + e.getClass().getSimpleName(), e);
        }
    }

    private void awaitAll(List<Future<RecordMetadata>> acks, String to) throws AuditUnavailable {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (Future<RecordMetadata> ack : acks) {
                ack.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new AuditUnavailable("cannot write to " + to + ": " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailable("interrupted while writing to " + to, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    public static final class AuditUnavailable extends Exception {
        public AuditUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
