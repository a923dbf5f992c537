package dev.elephant.topology.common;

import dev.elephant.events.Topics;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything the topology needs to know, fixed at start. Immutable so that a replay computes with
 * exactly the same inputs as the first run.
 *
 * @param linkTemplate a role's link; {@code {instance-id}}, {@code {domain}} and {@code {name}} are replaced
 * @param address      which address a record points at: the public one, or the private one for a
 *                     private zone that serves clients inside the VPC
 */
public record TopologyConfig(
        Topics topics,
        String domain,
        String linkTemplate,
        AddressKind address,
        String meetingIdTag,
        String roleTag,
        int ttl,
        Duration meetingRetention,
        Duration instanceRetention,
        MachinePolicy machines) {

    /**
     * How long an ended or cancelled meeting stays in meeting-state after its end (in event time) before
     * it is forgotten: long enough for every late event of it to have come, short enough that the table
     * does not grow with every meeting ever held.
     */
    public static final Duration DEFAULT_MEETING_RETENTION = Duration.ofDays(7);

    /**
     * How long a terminated instance (a stopped task) stays in instance-state after its end, in event time,
     * before it is forgotten: far longer than EventBridge keeps retrying a delivery (24 hours) and than EC2 keeps
     * listing a terminated instance (about an hour), so no late event of it is still to come; short enough that
     * the table holds the fleet, not every instance ever launched.
     */
    public static final Duration DEFAULT_INSTANCE_RETENTION = Duration.ofDays(7);

    /** With the default retentions. */
    public TopologyConfig(Topics topics, String domain, String linkTemplate, AddressKind address, String meetingIdTag,
                          String roleTag, int ttl) {
        this(topics, domain, linkTemplate, address, meetingIdTag, roleTag, ttl, DEFAULT_MEETING_RETENTION,
                DEFAULT_INSTANCE_RETENTION);
    }

    /** With the default launch and reap policy. */
    public TopologyConfig(Topics topics, String domain, String linkTemplate, AddressKind address, String meetingIdTag,
                          String roleTag, int ttl, Duration meetingRetention, Duration instanceRetention) {
        this(topics, domain, linkTemplate, address, meetingIdTag, roleTag, ttl, meetingRetention, instanceRetention,
                MachinePolicy.defaults());
    }

    public TopologyConfig withMachines(MachinePolicy machines) {
        return new TopologyConfig(topics, domain, linkTemplate, address, meetingIdTag, roleTag, ttl, meetingRetention,
                instanceRetention, machines);
    }

    private static final Pattern DOMAIN = Pattern.compile(
            "(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?");

    public static final String DEFAULT_LINK_TEMPLATE = "https://{instance-id}.{domain}:8443";

    public enum AddressKind { PUBLIC, PRIVATE }

    public TopologyConfig {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(domain, "domain");
        domain = domain.toLowerCase(Locale.ROOT);
        if (!DOMAIN.matcher(domain).matches() || domain.length() > 200) {
            throw new IllegalArgumentException("domain " + domain + " is not a valid DNS name (such as elephant.example.com)");
        }
        Objects.requireNonNull(linkTemplate, "linkTemplate");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(meetingIdTag, "meetingIdTag");
        Objects.requireNonNull(roleTag, "roleTag");
        Objects.requireNonNull(meetingRetention, "meetingRetention");
        if (meetingRetention.isNegative() || meetingRetention.isZero()) {
            throw new IllegalArgumentException("the meeting retention must be positive");
        }
        Objects.requireNonNull(instanceRetention, "instanceRetention");
        if (instanceRetention.compareTo(Duration.ofDays(2)) < 0) {
            throw new IllegalArgumentException("the instance retention must be at least 2 days (P2D): EventBridge "
                    + "retries a delivery for up to 24 hours, and a late event of a forgotten instance is dropped");
        }
        Objects.requireNonNull(machines, "machines");
        if (ttl != 1 && (ttl < 60 || ttl > 86_400)) {
            throw new IllegalArgumentException("ttl must be 1 (automatic) or 60..86400 seconds, was " + ttl);
        }
    }

    public static TopologyConfig defaults(String domain) {
        return new TopologyConfig(Topics.withDefaultPrefix(), domain, DEFAULT_LINK_TEMPLATE, AddressKind.PUBLIC,
                "MeetingId", "Role", 60);
    }

    public String link(String instanceId, String recordName) {
        return linkTemplate
                .replace("{instance-id}", instanceId)
                .replace("{domain}", domain)
                .replace("{name}", recordName);
    }
}
