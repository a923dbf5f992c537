package dev.elephant.connector.ingest;

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

/** {@link EventLog} on a Kafka producer: idempotent, acks=all, never blocking longer than the caller allows. */
public final class KafkaEventLog implements EventLog, AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;

    public KafkaEventLog(Map<String, Object> clientProperties) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // EventBridge waits 5 s for an answer: give up well before, answer 503, and let it retry.
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
        props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_500);
        props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 4_000);
        // Concurrent requests share a produce request instead of each paying for its own: at 0 ms the broker
        // and the producer took twice the CPU per event and the endpoint ran out of cores before 5,000/s;
        // beyond 2 ms the wait shows in every answer (docs/BENCHMARKS.md, Ingest).
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 2);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "elephant-connector");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public void append(String topic, String key, byte[] value, Duration timeout) throws EventLogUnavailable {
        append(topic, key, value, java.util.Map.of(), timeout);
    }

    @Override
    public void append(String topic, String key, byte[] value, java.util.Map<String, String> headers, Duration timeout)
            throws EventLogUnavailable {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((k, v) -> record.headers().add(k, v.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try {
            producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new EventLogUnavailable("Kafka did not acknowledge the write: " + e.getCause().getClass().getSimpleName(), e);
        } catch (TimeoutException e) {
            throw new EventLogUnavailable("Kafka did not acknowledge the write within " + timeout.toMillis() + " ms", e);
        } catch (KafkaException e) {
            throw new EventLogUnavailable("Kafka refused the write: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventLogUnavailable("interrupted while writing to Kafka", e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
