package dev.elephant.sinks.dns.provider;

/** A record as Elephant wants it, ownership mark included. */
public record RecordSpec(String name, String type, String content, int ttl, String mark) {}
