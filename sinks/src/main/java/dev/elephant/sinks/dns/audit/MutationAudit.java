package dev.elephant.sinks.dns.audit;

import dev.elephant.events.DnsMutation;
import dev.elephant.events.Json;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
    private final Duration timeout;

    public MutationAudit(Map<String, Object> clientProperties, String topic, Duration timeout) {
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
        try {
            producer.send(new ProducerRecord<>(topic, mutation.name(), Json.toBytes(mutation)))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw new AuditUnavailable("cannot write to " + topic + ": " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailable("interrupted while writing to " + topic, e);
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
