package dev.elephant.events;

import java.time.Instant;

/** Input that can never succeed, kept with the reason. Key on {@code dead-letter}: the original key. */
public record DeadLetter(int schemaVersion, String reason, String detail, String source, String payload,
                         int payloadBytes, Instant time) {

    public static final int SCHEMA_VERSION = 1;

    /** The payload is truncated so that a hostile 256 KiB body does not become a 256 KiB record. */
    public static final int MAX_PAYLOAD_CHARS = 4096;

    public static DeadLetter of(String reason, String detail, String source, byte[] payload, Instant time) {
        String text = new String(payload, java.nio.charset.StandardCharsets.UTF_8);
        if (text.length() > MAX_PAYLOAD_CHARS) {
            text = text.substring(0, MAX_PAYLOAD_CHARS);
        }
        return new DeadLetter(SCHEMA_VERSION, reason, detail, source, text, payload.length, time);
    }
}
