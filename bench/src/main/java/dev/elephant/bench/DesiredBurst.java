package dev.elephant.bench;

import dev.elephant.events.DesiredRecord;
import dev.elephant.events.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A burst of launches as the DNS sink sees it, the same for every provider's burst benchmark: N desired records (or
 * their tombstones) produced at once to {@code dns-desired}, as the topology writes them.
 */
final class DesiredBurst {

    static final String DOMAIN = "elephant.test";

    private DesiredBurst() {}

    /** Produces the burst's N desired records, or their tombstones, with the cause header the topology sets. */
    static void produce(KafkaProducer<String, byte[]> producer, String dnsDesired, int n, boolean tombstones) {
        for (int i = 0; i < n; i++) {
            String id = instanceId(i);
            String name = id + "." + DOMAIN;
            byte[] value = tombstones ? null : Json.toBytes(new DesiredRecord(1, name, "A", address(i), 60, id,
                    "evt-" + i));
            Headers headers = new RecordHeaders().add(DesiredRecord.CAUSE_HEADER,
                    ("evt-" + i).getBytes(StandardCharsets.UTF_8));
            producer.send(new ProducerRecord<>(dnsDesired, null, name, value, headers));
        }
        producer.flush();
    }

    static String instanceId(int i) {
        return "i-" + HexFormat.of().toHexDigits(i).substring(0, 8) + "000000000";
    }

    static String address(int i) {
        return "198.18." + (i / 250) + "." + (i % 250 + 1);
    }

    /** Waits until {@code condition} holds; false when {@code limit} passed first. */
    static boolean await(BooleanSupplier condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
