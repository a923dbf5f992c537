package dev.elephant.sinks.dns.provider;

/** A record as the provider holds it. */
public record ProviderRecord(String id, String name, String type, String content, int ttl, String mark) {}
