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

    /** The time, written by Elephant's ticker to every partition: how time enters the topology. */
    public String ticks() {
        return prefix + "ticks";
    }

    /** What the topology decided to do to EC2: launches and terminations, for the machine executor. */
    public String machineCommands() {
        return prefix + "machine-commands";
    }

    /** The EC2 audit trail: an intent before every EC2 call that changes something and its outcome after it. */
    public String machineActions() {
        return prefix + "machine-actions";
    }

    /**
     * The certificate's history: attempts, issuance and renewal, and operators' renew requests. Keyed by the
     * certificate's id; its owner (the instance whose consumer holds that key's partition) carries them out.
     */
    public String certificates() {
        return prefix + "certificates";
    }

    /**
     * The failover names declared (POST /v1/failover, the run config), keyed by the name's label; a tombstone
     * removes a name. The instance whose consumer holds a name's partition runs its checks.
     */
    public String failoverNames() {
        return prefix + "failover-names";
    }

    /** The results of the failover names' checks, keyed by the name: what the topology decides a name's target from. */
    public String failoverChecks() {
        return prefix + "failover-checks";
    }

    public String deadLetter() {
        return prefix + "dead-letter";
    }

    /** Topics whose history is the source of truth or the audit: deleted only by (long) retention. */
    public List<String> retained() {
        return List.of(instanceEvents(), meetingEvents(), dnsMutations(), deadLetter(), ticks(), machineCommands(),
                machineActions(), certificates(), failoverChecks());
    }

    /** Topics that hold the latest value per key. */
    public List<String> compacted() {
        return List.of(dnsDesired(), meetingReady(), failoverNames());
    }
}
