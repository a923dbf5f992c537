package dev.elephant.standins.cloudflare;

import java.time.Instant;
import java.util.List;

/** A record as the stand-in zone holds it, with Cloudflare's field names when serialized. */
public record DnsRecord(String id, String name, String type, String content, int ttl, boolean proxied,
                        String comment, List<String> tags, Instant createdOn, Instant modifiedOn) {

    public DnsRecord {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
