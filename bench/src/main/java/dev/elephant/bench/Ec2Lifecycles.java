package dev.elephant.bench;

import dev.elephant.events.InstanceEvent;
import dev.elephant.events.Json;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The benchmarks' input: EC2 instances living through pending, running, stopping, stopped, pending,
 * running (a new address), shutting-down and terminated, written to {@code instance-events} as the
 * connector writes them, one instance after the other.
 */
final class Ec2Lifecycles {

    static final String[] LIFECYCLE = {"pending", "running", "stopping", "stopped", "pending", "running",
        "shutting-down", "terminated"};
    /** Where an instance left running stops: its second "running". */
    private static final int RUNNING_AGAIN = 5;

    private Ec2Lifecycles() {}

    /**
     * @param leftRunning how many instances (spread evenly) end running after their restart instead of
     *                    terminated: the records a zone holds at the end
     * @return the number of events written
     */
    static long produce(String bootstrap, String topic, int instances, int leftRunning) {
        long count = 0;
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
        int every = leftRunning == 0 ? Integer.MAX_VALUE : Math.max(1, instances / leftRunning);
        // One request in flight: with five, the single-node broker sometimes refuses the batches behind a
        // fresh partition's first one (OutOfOrderSequenceException, "Expected sequence 0 for transactions v2
        // idempotent producer with no existing state") until they expire, and the benchmark then waits for
        // records that were never written. Writing the input is not what is measured.
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "linger.ms", 20, "batch.size", 262_144, "max.in.flight.requests.per.connection", 1),
                new StringSerializer(), new ByteArraySerializer())) {
            int kept = 0;
            for (int i = 0; i < instances; i++) {
                String id = "i-" + HexFormat.of().toHexDigits(i) + "000000000";
                boolean keep = i % every == 0 && kept < leftRunning;
                if (keep) {
                    kept++;
                }
                int last = keep ? RUNNING_AGAIN : LIFECYCLE.length - 1;
                for (int s = 0; s <= last; s++) {
                    String eventId = id + "-" + s;
                    boolean up = LIFECYCLE[s].equals("pending") || LIFECYCLE[s].equals("running");
                    String ip = up ? "198.18." + (s < 4 ? 0 : 1) + "." + (i % 250 + 1) : null;
                    InstanceEvent e = new InstanceEvent(1, eventId, eventId, InstanceEvent.SOURCE_EC2, id, LIFECYCLE[s],
                            t0.plusSeconds(i + s * 60L), ip, "10.0.0." + (i % 250 + 1),
                            Map.of("Project", "Elephant"), true, null, null, false);
                    // The record's timestamp is the event's time, as the connector writes an event when it
                    // happens: stream time then runs with event time, as it does in production (retention and
                    // the drop of events older than it are measured against stream time).
                    producer.send(new ProducerRecord<>(topic, null, e.time().toEpochMilli(), id, Json.toBytes(e)),
                            (meta, error) -> {
                        if (error != null) {
                            failed.incrementAndGet();
                            firstFailure.compareAndSet(null, error);
                        }
                    });
                    count++;
                }
            }
            producer.flush();
        }
        // A benchmark that waits for records that were never written would wait for ever.
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " of " + count + " events were not written to " + topic,
                    firstFailure.get());
        }
        return count;
    }
}
