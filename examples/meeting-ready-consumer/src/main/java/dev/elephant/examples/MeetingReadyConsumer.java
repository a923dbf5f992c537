package dev.elephant.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A service of yours following {@code meeting-ready} (docs/TOPICS.md): a plain Kafka consumer, nothing of Elephant's.
 *
 * <ul>
 *   <li>{@code read_committed}: Elephant writes the topic in exactly-once transactions; without it a consumer sees
 *       values of transactions that were aborted.</li>
 *   <li>Deduplicated on the meeting id and {@code causeId}: a rebalance or a restart before a commit delivers a value
 *       again, and Elephant may publish the same links again after a replay; the pair names one publication.</li>
 *   <li>A tombstone (null value) says the meeting ended or was cancelled.</li>
 *   <li>Offsets are committed after the values are handled (at least once), so a crash handles them again — which
 *       the deduplication makes harmless.</li>
 * </ul>
 */
public final class MeetingReadyConsumer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How many publications the deduplication remembers (oldest forgotten first). */
    private static final int REMEMBERED = 100_000;

    private final KafkaConsumer<String, String> consumer;
    private final PrintStream out;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, Boolean> seen = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };

    public MeetingReadyConsumer(String bootstrap, String topic, String group, PrintStream out) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        this.consumer.subscribe(List.of(topic));
        this.out = out;
    }

    public static void main(String[] args) {
        String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:9092";
        String topic = args.length > 1 ? args[1] : "elephant.meeting-ready";
        String group = args.length > 2 ? args[2] : "meeting-ready-example";
        try (MeetingReadyConsumer c = new MeetingReadyConsumer(bootstrap, topic, group, System.out)) {
            Runtime.getRuntime().addShutdownHook(new Thread(c::stop));
            System.err.println("following " + topic + " on " + bootstrap + " (group " + group + "); Ctrl-C stops");
            c.run();
        }
    }

    /** Polls until {@link #stop}: prints each new publication, commits after it. */
    public void run() {
        try {
            while (running.get()) {
                pollOnce(Duration.ofMillis(500));
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        }
    }

    /** One poll: handles what came, then commits it. */
    public void pollOnce(Duration timeout) {
        var records = consumer.poll(timeout);
        for (ConsumerRecord<String, String> r : records) {
            handle(r.key(), r.value());
        }
        if (!records.isEmpty()) {
            consumer.commitSync();
        }
    }

    void handle(String meetingId, String value) {
        if (value == null) {
            out.println(meetingId + " ended");
            return;
        }
        JsonNode ready;
        try {
            ready = JSON.readTree(value);
        } catch (IOException e) {
            System.err.println("skipping a value of " + meetingId + " that is not JSON: " + e.getMessage());
            return;
        }
        String publication = meetingId + " " + ready.path("causeId").asText();
        if (seen.put(publication, Boolean.TRUE) != null) {
            return; // delivered again: already handled
        }
        StringBuilder line = new StringBuilder(meetingId).append(" ready:");
        for (Iterator<Map.Entry<String, JsonNode>> it = ready.path("links").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> link = it.next();
            line.append(' ').append(link.getKey()).append(" → ").append(link.getValue().asText());
        }
        out.println(line);
    }

    public void stop() {
        running.set(false);
        consumer.wakeup();
    }

    @Override
    public void close() {
        try {
            consumer.close(Duration.ofSeconds(5));
        } catch (WakeupException e) {
            consumer.close(Duration.ZERO);
        }
    }
}
