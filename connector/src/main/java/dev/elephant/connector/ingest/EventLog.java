package dev.elephant.connector.ingest;

import java.time.Duration;
import java.util.Map;

/** The one thing the connector needs of Kafka: append a record and know it was acknowledged. */
public interface EventLog {

    /**
     * Appends and waits for the broker's acknowledgement (acks=all).
     *
     * @throws EventLogUnavailable when the record was not acknowledged within {@code timeout}
     */
    void append(String topic, String key, byte[] value, Duration timeout) throws EventLogUnavailable;

    /**
     * The same with headers: a tombstone has no value to say what caused it, its header does. A log that cannot
     * keep headers refuses rather than drop them.
     */
    default void append(String topic, String key, byte[] value, Map<String, String> headers, Duration timeout)
            throws EventLogUnavailable {
        if (!headers.isEmpty()) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " writes no headers");
        }
        append(topic, key, value, timeout);
    }

    final class EventLogUnavailable extends Exception {
        public EventLogUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
