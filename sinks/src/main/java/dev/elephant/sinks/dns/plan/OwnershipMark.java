package dev.elephant.sinks.dns.plan;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The mark Elephant puts in the comment of every record it creates, naming the deployment that owns
 * it. Elephant only ever updates or deletes records that carry its own mark, so two deployments with
 * different owner ids can share a zone, and records people made by hand are never touched.
 */
public record OwnershipMark(String ownerId) {

    private static final Pattern OWNER_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    public OwnershipMark {
        if (ownerId == null || !OWNER_ID.matcher(ownerId).matches()) {
            throw new IllegalArgumentException("owner id must be 1 to 32 lower-case letters, digits or '-'");
        }
    }

    /** The comment text; short enough for the Free plan's 100-character comments. */
    public String comment() {
        return "managed-by=elephant owner=" + ownerId;
    }

    /**
     * The same mark as Cloudflare record tags ({@code name:value}), for zones on paid plans, where
     * tags can be filtered on in the dashboard; the comment stays the mark Elephant goes by.
     */
    public java.util.List<String> tags() {
        return java.util.List.of("managed-by:elephant", "elephant-owner:" + ownerId);
    }

    public boolean isOn(String comment) {
        // Cloudflare compares comment filters case-insensitively; so do we, to agree with a comment.exact list.
        return comment != null && comment.toLowerCase(Locale.ROOT).equals(comment());
    }
}
