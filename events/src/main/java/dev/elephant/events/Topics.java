package dev.elephant.events;

import java.util.List;

/** Elephant's topic names under one configurable prefix (default {@code elephant.}). */
public record Topics(String prefix) {

    public static final String DEFAULT_PREFIX = "elephant.";

    public static Topics withDefaultPrefix() {
        return new Topics(DEFAULT_PREFIX);
    }

    public String instanceEvents() {
        return prefix + "instance-events";
    }

    public String meetingEvents() {
        return prefix + "meeting-events";
    }

    public String dnsDesired() {
        return prefix + "dns-desired";
    }

    public String dnsMutations() {
        return prefix + "dns-mutations";
    }

    public String meetingReady() {
        return prefix + "meeting-ready";
    }

    public String deadLetter() {
        return prefix + "dead-letter";
    }

    /** Topics whose history is the source of truth or the audit: deleted only by (long) retention. */
    public List<String> retained() {
        return List.of(instanceEvents(), meetingEvents(), dnsMutations(), deadLetter());
    }

    /** Topics that hold the latest value per key. */
    public List<String> compacted() {
        return List.of(dnsDesired(), meetingReady());
    }
}
