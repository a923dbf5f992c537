package dev.elephant.sinks.audit;

import dev.elephant.events.DeadLetter;
import dev.elephant.events.Json;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes an audit trail ({@code dns-mutations}, {@code machine-actions}) and waits for the broker: an intent is
 * durable before the side effect it announces (a provider write, an EC2 call), so a crash can leave an intent
 * without an outcome but never a side effect without an intent.
 *
 * <p>A record handed to {@link #recordAll} is kept until the broker acknowledged it, even when the
 * call gives up waiting ({@link AuditUnavailable}): the next call, or {@link #awaitPending}, waits for
 * it again and sends it again if it failed. So an outcome decided while Kafka was slow is written
 * once, later, instead of being lost or written twice — the sink's view of the provider has already
 * moved on and will not decide it again.
 */
public class AuditTrail<T> implements AutoCloseable {

    private static final int BATCH_BYTES = 256 << 10;

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final String deadLetterTopic;
    private final Duration timeout;
    private final Function<T, String> key;
    /** Records handed in and not yet acknowledged, in the order they were handed in. */
    private final Deque<Pending> pending = new ArrayDeque<>();

    /** One record on its way: {@code ack} is null until it is sent, and again after a send failed. */
    private static final class Pending {
        final ProducerRecord<String, byte[]> record;
        Future<RecordMetadata> ack;

        Pending(ProducerRecord<String, byte[]> record) {
            this.record = record;
        }
    }

    /**
     * @param key      each record's key on the topic
     * @param clientId names the producer unless the client properties do
     */
    public AuditTrail(Map<String, Object> clientProperties, String topic, String deadLetterTopic, Duration timeout,
                      Function<T, String> key, String clientId) {
        this.deadLetterTopic = deadLetterTopic;
        this.key = key;
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        // A start's hand-over audits a whole replay's names at once (125,750 noops): in batches of the producer's
        // default 16 KiB they took 1.8–2.5 s to be acknowledged, in batches of 256 KiB 0.5–0.6 s. A batch is only
        // as large as what waits when it leaves, so a single outcome leaves as soon as before.
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_BYTES);
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.timeout = timeout;
    }

    public void record(T entry) throws AuditUnavailable {
        recordAll(List.of(entry));
    }

    /**
     * Writes all, then waits until the broker acknowledged every one, and every one handed in before.
     *
     * @throws AuditUnavailable when that did not happen in time; the records stay in hand and are
     *                          written by a later call
     */
    public synchronized void recordAll(List<T> entries) throws AuditUnavailable {
        recordLater(entries);
        drain();
    }

    /** Keeps these to be written, behind everything handed in before, by the next call that writes. */
    public synchronized void recordLater(List<T> entries) {
        for (T e : entries) {
            pending.add(new Pending(new ProducerRecord<>(topic, key.apply(e), Json.toBytes(e))));
        }
    }

    /** Waits until every record handed in so far is on the topic. */
    public synchronized void awaitPending() throws AuditUnavailable {
        drain();
    }

    private void drain() throws AuditUnavailable {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (Pending p : pending) {
                if (p.ack == null) {
                    p.ack = producer.send(p.record);
                }
            }
            while (!pending.isEmpty()) {
                Pending p = pending.peek();
                try {
                    p.ack.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    pending.poll();
                } catch (ExecutionException e) {
                    // Not written (the producer gave up on it): send it again next time.
                    pending.forEach(q -> {
                        if (q.ack != null && q.ack.isDone() && failed(q.ack)) {
                            q.ack = null;
                        }
                    });
                    throw new AuditUnavailable("cannot write to " + topic + ": "
                            + e.getCause().getClass().getSimpleName() + "; " + pending.size() + " record(s) kept to write later", e);
                }
            }
        } catch (TimeoutException e) {
            throw new AuditUnavailable("cannot write to " + topic + ": no acknowledgement within " + timeout.toMillis()
                    + " ms; " + pending.size() + " record(s) kept to write later", e);
        } catch (KafkaException e) {
            throw new AuditUnavailable("cannot write to " + topic + ": " + e.getClass().getSimpleName() + "; "
                    + pending.size() + " record(s) kept to write later", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailable("interrupted while writing to " + topic, e);
        }
    }

    private static boolean failed(Future<RecordMetadata> ack) {
        try {
            ack.get();
            return false;
        } catch (ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What can never be carried out: a foreign record holds the name, a provider or a cost guard refuses it. */
    public void deadLetter(String name, DeadLetter letter) throws AuditUnavailable {
        try {
            producer.send(new ProducerRecord<>(deadLetterTopic, name, Json.toBytes(letter)))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (KafkaException | ExecutionException | TimeoutException e) {
            throw new AuditUnavailable("cannot write to " + deadLetterTopic + ": " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailable("interrupted while writing to " + deadLetterTopic, e);
        }
    }

    /**
     * Closes the producer after it sent what it holds (up to a few seconds). Records never sent are
     * lost with the process, like a crash: their intents are settled at the next start.
     */
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
