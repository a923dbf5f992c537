package dev.elephant.connector.ingest;

import java.time.Duration;

/** The one thing the connector needs of Kafka: append a record and know it was acknowledged. */
public interface EventLog {

    /**
     * Appends and waits for the broker's acknowledgement (acks=all).
     *
     * @throws EventLogUnavailable when the record was not acknowledged within {@code timeout}
     */
    void append(String topic, String key, byte[] value, Duration timeout) throws EventLogUnavailable;

    final class EventLogUnavailable extends Exception {
        public EventLogUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
