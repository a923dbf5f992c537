package dev.elephant.connector.clock;

import dev.elephant.events.Json;
import dev.elephant.events.Tick;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the time to {@code ticks}, one record to every partition every {@code interval}: how "five minutes
 * before the start" reaches a topology that has no clock. Every task of the topology reads one partition's ticks,
 * so each partition gets its own. Several Elephant instances each tick; the topology's rules only ever compare a
 * tick's time with what is due, so a second tick of about the same time decides nothing new. When Kafka is away
 * a tick is skipped, not queued: the next one carries the time on.
 */
public final class Ticker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Ticker.class);

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final Clock clock;
    private final ScheduledExecutorService schedule;
    private volatile boolean warned;

    public Ticker(Map<String, Object> clientProperties, String topic, Clock clock) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "elephant-ticker");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.clock = clock;
        this.schedule = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "elephant-ticker");
            t.setDaemon(true);
            return t;
        });
    }

    public Ticker start(Duration interval) {
        schedule.scheduleAtFixedRate(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One tick to every partition, with the time as the record's timestamp too (the topology's stream time). */
    void tick() {
        Instant now = clock.instant();
        try {
            List<PartitionInfo> partitions = producer.partitionsFor(topic);
            byte[] value = Json.toBytes(Tick.at(now));
            for (PartitionInfo p : partitions) {
                producer.send(new ProducerRecord<>(topic, p.partition(), now.toEpochMilli(), "tick", value));
            }
            producer.flush();
            if (warned) {
                log.info("ticking again on {}", topic);
                warned = false;
            }
        } catch (KafkaException e) {
            if (!warned) {
                log.warn("cannot write the time to {} ({}); launches and reaps wait until it can", topic, e.toString());
                warned = true;
            }
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: the time must keep coming.
            log.error("ticker: {}", e.toString(), e);
        }
    }

    @Override
    public void close() {
        schedule.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }
}
