package dev.elephant.connector.ingest;

import dev.elephant.events.DeadLetter;
import dev.elephant.events.Json;
import java.time.Clock;
import java.time.Duration;

/** Writes input that can never succeed to the dead-letter topic, so nothing is lost silently. */
public final class DeadLetters {

    private final EventLog log;
    private final String topic;
    private final Clock clock;
    private final Duration timeout;

    public DeadLetters(EventLog log, String topic, Clock clock, Duration timeout) {
        this.log = log;
        this.topic = topic;
        this.clock = clock;
        this.timeout = timeout;
    }

    /**
     * Dead-letters the payload and returns the rejection to answer; when even the dead-letter write
     * fails, answers 503 so that the sender retries and the input is not lost.
     */
    public IngestResult reject(IngestReason reason, String detail, String source, String key, byte[] payload) {
        DeadLetter letter = DeadLetter.of(reason.tag(), detail, source, payload, clock.instant());
        try {
            log.append(topic, key, Json.toBytes(letter), timeout);
        } catch (EventLog.EventLogUnavailable e) {
            return IngestResult.rejected(IngestReason.KAFKA_UNAVAILABLE, e.getMessage());
        }
        return IngestResult.rejected(reason, detail);
    }
}
