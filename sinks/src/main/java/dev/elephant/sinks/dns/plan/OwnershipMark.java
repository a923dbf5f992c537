package dev.elephant.sinks.dns.plan;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The mark Elephant puts on every record it creates, naming the deployment that owns
 * it (on Cloudflare in the record's comment, on Route 53 in a TXT record beside it, see {@code
 * Route53Provider}). Elephant only ever updates or deletes records that carry its own mark, so two deployments with
 * different owner ids can share a zone, and records people made by hand are never touched.
 */
public record OwnershipMark(String ownerId) {

    private static final Pattern OWNER_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    public OwnershipMark {
        requireValidOwnerId(ownerId);
    }

    /** Why {@code ownerId} cannot name a deployment, or null when it can: the one place the rule is written. */
    public static String problemWith(String ownerId) {
        if (ownerId == null || !OWNER_ID.matcher(ownerId).matches()) {
            return "owner id " + (ownerId == null ? "missing" : "'" + ownerId + "'")
                    + ": must be 1 to 32 lower-case letters, digits or '-'";
        }
        return null;
    }

    public static void requireValidOwnerId(String ownerId) {
        String problem = problemWith(ownerId);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * The mark's text: a Cloudflare record's comment (short enough for the Free plan's 100-character comments),
     * the value of the TXT record beside a Route 53 record.
     */
    public String text() {
        return "managed-by=elephant owner=" + ownerId;
    }

    /**
     * The mark of an ACME challenge record ({@code _acme-challenge.{domain}} TXT) this deployment writes: its own
     * mark, apart from the instance records' so that the DNS sink, which lists and repairs what carries {@link
     * #text()}, never sees one, let alone deletes one in flight; and the challenge writer, gated on this text, can
     * touch nothing else.
     */
    public String challengeText() {
        return text() + " purpose=acme-challenge";
    }

    /**
     * The same mark as Cloudflare record tags ({@code name:value}), for zones on paid plans, where
     * tags can be filtered on in the dashboard; the comment stays the mark Elephant goes by.
     */
    public List<String> tags() {
        return List.of("managed-by:elephant", "elephant-owner:" + ownerId);
    }

    public boolean isOn(String mark) {
        // Cloudflare compares comment filters case-insensitively; so do we, to agree with a comment.exact list.
        return mark != null && mark.toLowerCase(Locale.ROOT).equals(text());
    }
}
