package dev.elephant.events;

import java.time.Instant;

/**
 * The time, as an event on {@code ticks}: how "five minutes before the start" and "fifteen minutes without a
 * meeting" reach the topology without a clock inside it. Elephant's ticker writes one to every partition every few
 * seconds; a replay reads the same ticks in the same order, so it decides the same at the same times.
 */
public record Tick(int schemaVersion, Instant time) {

    public static final int SCHEMA_VERSION = 1;

    public static Tick at(Instant time) {
        return new Tick(SCHEMA_VERSION, time);
    }
}
