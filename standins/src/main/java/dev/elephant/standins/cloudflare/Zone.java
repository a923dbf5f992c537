package dev.elephant.standins.cloudflare;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.elephant.events.Json;
import dev.elephant.standins.http.StateFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One zone's DNS records, validated the way Cloudflare validates them: a request the real API
 * refuses is refused here with the same error code. Optionally persisted to a JSON file so a
 * restarted {@code elephant dev} finds its records again.
 *
 * <p>Sources: Cloudflare API v4 reference, "DNS Records for a Zone" (create/patch/overwrite/delete/list),
 * and the DNS records documentation on TTL (1 = automatic, else 60..86400), comments (100 characters
 * on the Free plan) and the record quota (200 records on a Free zone created after 2024-09-01).
 */
public final class Zone {

    static final int CODE_VALIDATION = 1004;
    static final int CODE_RECORD_NOT_FOUND = 81044;
    static final int CODE_QUOTA = 81045;
    static final int CODE_IDENTICAL_EXISTS = 81058;
    static final int CODE_CNAME_CONFLICT = 81053;
    private static final Set<String> TYPES = Set.of("A", "AAAA", "CNAME", "TXT");
    private static final Set<String> PROXIABLE = Set.of("A", "AAAA", "CNAME");
    private static final Pattern LABEL = Pattern.compile("(?!-)[a-z0-9_-]{1,63}(?<!-)|\\*");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private final String id;
    private final String name;
    private final int recordQuota;
    private final int maxCommentLength;
    private final int maxTags;
    private final Path storeFile;
    private final Clock clock;
    private final Map<String, DnsRecord> records = new LinkedHashMap<>();

    public Zone(String id, String name, int recordQuota, int maxCommentLength, Path storeFile, Clock clock) {
        this(id, name, recordQuota, maxCommentLength, 0, storeFile, clock);
    }

    /** @param maxTags tags a record may carry: none on the Free plan, some on paid plans */
    public Zone(String id, String name, int recordQuota, int maxCommentLength, int maxTags, Path storeFile,
                Clock clock) {
        this.maxTags = maxTags;
        this.id = id;
        this.name = name.toLowerCase(Locale.ROOT);
        this.recordQuota = recordQuota;
        this.maxCommentLength = maxCommentLength;
        this.storeFile = storeFile;
        this.clock = clock;
        load();
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public synchronized List<DnsRecord> list(Predicate<DnsRecord> filter) {
        return records.values().stream().filter(filter)
                .sorted(Comparator.comparing(DnsRecord::name).thenComparing(DnsRecord::type).thenComparing(DnsRecord::id))
                .toList();
    }

    public synchronized Optional<DnsRecord> get(String recordId) {
        return Optional.ofNullable(records.get(recordId));
    }

    /** The records answering a DNS query for this name. */
    public synchronized List<DnsRecord> lookup(String fqdn) {
        String n = fqdn.toLowerCase(Locale.ROOT);
        return records.values().stream().filter(r -> r.name().equals(n)).toList();
    }

    public synchronized DnsRecord create(RecordFields f) {
        DnsRecord r = createUnsaved(f);
        save();
        return r;
    }

    private DnsRecord createUnsaved(RecordFields f) {
        RecordFields v = validate(f);
        if (records.size() >= recordQuota) {
            throw new CloudflareError(400, CODE_QUOTA, "Record quota exceeded.");
        }
        checkConflicts(v, null);
        var now = clock.instant();
        DnsRecord r = new DnsRecord(UUID.randomUUID().toString().replace("-", ""), v.name(), v.type(), v.content(),
                v.ttl(), v.proxied(), v.comment(), v.tags(), now, now);
        records.put(r.id(), r);
        return r;
    }

    /** PATCH: fields left null keep their value. */
    public synchronized DnsRecord patch(String recordId, RecordFields f) {
        DnsRecord r = patchUnsaved(recordId, f);
        save();
        return r;
    }

    private DnsRecord patchUnsaved(String recordId, RecordFields f) {
        DnsRecord old = existing(recordId);
        RecordFields merged = new RecordFields(
                f.name() != null ? f.name() : old.name(),
                f.type() != null ? f.type() : old.type(),
                f.content() != null ? f.content() : old.content(),
                f.ttl() != null ? f.ttl() : old.ttl(),
                f.proxied() != null ? f.proxied() : old.proxied(),
                f.comment() != null ? f.comment() : old.comment(),
                f.tags() != null ? f.tags() : old.tags());
        return replaceUnsaved(old, merged);
    }

    /** PUT: the record becomes exactly what was sent. */
    public synchronized DnsRecord overwrite(String recordId, RecordFields f) {
        return replace(existing(recordId), f);
    }

    public synchronized void delete(String recordId) {
        existing(recordId);
        records.remove(recordId);
        save();
    }

    /** The operations of one batch request, in Cloudflare's execution order: deletes, patches, puts, posts. */
    public record Batch(List<String> deletes, List<Map.Entry<String, RecordFields>> patches,
                        List<Map.Entry<String, RecordFields>> puts, List<RecordFields> posts) {
        int size() {
            return deletes.size() + patches.size() + puts.size() + posts.size();
        }
    }

    /** What a batch did, per kind, in request order. */
    public record BatchResult(List<DnsRecord> deletes, List<DnsRecord> patches, List<DnsRecord> puts,
                              List<DnsRecord> posts) {}

    /**
     * Runs a batch in one transaction, as Cloudflare does: deletes, then patches, then puts, then posts;
     * the first error is returned and nothing of the batch is applied.
     */
    public synchronized BatchResult batch(Batch b, int maxOperations) {
        if (b.size() > maxOperations) {
            throw validation("A batch may hold at most " + maxOperations + " operations on this plan; it held "
                    + b.size() + ".");
        }
        Map<String, DnsRecord> before = new LinkedHashMap<>(records);
        try {
            List<DnsRecord> deleted = new ArrayList<>();
            for (String id : b.deletes()) {
                deleted.add(existing(id));
                records.remove(id);
            }
            List<DnsRecord> patched = new ArrayList<>();
            for (var p : b.patches()) {
                patched.add(patchUnsaved(p.getKey(), p.getValue()));
            }
            List<DnsRecord> put = new ArrayList<>();
            for (var p : b.puts()) {
                put.add(replaceUnsaved(existing(p.getKey()), p.getValue()));
            }
            List<DnsRecord> posted = new ArrayList<>();
            for (RecordFields f : b.posts()) {
                posted.add(createUnsaved(f));
            }
            save();
            return new BatchResult(deleted, patched, put, posted);
        } catch (RuntimeException e) {
            records.clear();
            records.putAll(before);
            throw e;
        }
    }

    private DnsRecord replace(DnsRecord old, RecordFields f) {
        DnsRecord r = replaceUnsaved(old, f);
        save();
        return r;
    }

    private DnsRecord replaceUnsaved(DnsRecord old, RecordFields f) {
        RecordFields v = validate(f);
        checkConflicts(v, old.id());
        DnsRecord r = new DnsRecord(old.id(), v.name(), v.type(), v.content(), v.ttl(), v.proxied(), v.comment(),
                v.tags(), old.createdOn(), clock.instant());
        records.put(r.id(), r);
        return r;
    }

    private DnsRecord existing(String recordId) {
        DnsRecord r = records.get(recordId);
        if (r == null) {
            throw new CloudflareError(404, CODE_RECORD_NOT_FOUND, "Record does not exist.");
        }
        return r;
    }

    private void checkConflicts(RecordFields v, String selfId) {
        for (DnsRecord r : records.values()) {
            if (r.id().equals(selfId) || !r.name().equals(v.name())) {
                continue;
            }
            if (r.type().equals(v.type()) && r.content().equals(v.content())) {
                throw new CloudflareError(400, CODE_IDENTICAL_EXISTS, "An identical record already exists.");
            }
            if (r.type().equals("CNAME") || v.type().equals("CNAME")) {
                throw new CloudflareError(400, CODE_CNAME_CONFLICT,
                        "An A, AAAA, or CNAME record with that host already exists.");
            }
        }
    }

    private RecordFields validate(RecordFields f) {
        if (f.type() == null || !TYPES.contains(f.type())) {
            throw validation("DNS record type is invalid.");
        }
        if (f.name() == null || f.content() == null) {
            throw validation("DNS record name and content are required.");
        }
        String fqdn = qualify(f.name());
        if (fqdn.length() > 253 || !(fqdn.equals(name) || fqdn.endsWith("." + name))) {
            throw validation("DNS name is invalid.");
        }
        for (String label : fqdn.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                throw validation("DNS name is invalid.");
            }
        }
        switch (f.type()) {
            case "A" -> {
                if (!IPV4.matcher(f.content()).matches()) {
                    throw validation("Content for A record must be a valid IPv4 address.");
                }
            }
            case "AAAA" -> {
                if (!f.content().contains(":") || !isInetAddress(f.content())) {
                    throw validation("Content for AAAA record must be a valid IPv6 address.");
                }
            }
            default -> { }
        }
        boolean proxied = Boolean.TRUE.equals(f.proxied());
        if (proxied && !PROXIABLE.contains(f.type())) {
            throw validation("Record type " + f.type() + " cannot be proxied.");
        }
        int ttl = f.ttl() == null ? 1 : f.ttl();
        if (ttl != 1 && (ttl < 60 || ttl > 86_400)) {
            throw validation("TTL must be between 60 and 86400 seconds, or 1 for Auto.");
        }
        if (proxied) {
            ttl = 1; // proxied records always have automatic TTL
        }
        String comment = f.comment();
        if (comment != null && (comment.length() > maxCommentLength || comment.contains("\n"))) {
            throw validation("Comment is too long or has a newline (max " + maxCommentLength + " characters).");
        }
        if (f.tags() != null && f.tags().size() > maxTags) {
            throw new CloudflareError(400, CODE_VALIDATION, "DNS Validation Error", CODE_TAG_QUOTA,
                    "DNS record has " + f.tags().size() + " tags, exceeding the quota of " + maxTags + ".");
        }
        if (f.tags() != null && f.tags().stream().anyMatch(t -> t.indexOf(':') <= 0)) {
            throw validation("Tags must be name:value.");
        }
        return new RecordFields(fqdn, f.type(), f.content(), ttl, proxied, comment, f.tags());
    }

    private String qualify(String recordName) {
        String n = recordName.toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        if (n.equals("@")) {
            return name;
        }
        return n.equals(name) || n.endsWith("." + name) ? n : n + "." + name;
    }

    private static boolean isInetAddress(String text) {
        try {
            InetAddress.getByName(text);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** In the error_chain of a 1004: more tags than the zone's plan allows (none on Free). */
    static final int CODE_TAG_QUOTA = 9300;

    private static CloudflareError validation(String message) {
        return new CloudflareError(400, CODE_VALIDATION, message);
    }

    private void load() {
        if (storeFile == null || !Files.exists(storeFile)) {
            return;
        }
        try {
            List<DnsRecord> stored = Json.mapper().readValue(storeFile.toFile(), new TypeReference<List<DnsRecord>>() {});
            stored.forEach(r -> records.put(r.id(), r));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the stand-in zone from " + storeFile, e);
        }
    }

    private void save() {
        if (storeFile == null) {
            return;
        }
        StateFile.write(storeFile, new ArrayList<>(records.values()), "the stand-in zone");
    }

    /** Fields of a create, patch or put request; null means "not sent". */
    public record RecordFields(String name, String type, String content, Integer ttl, Boolean proxied, String comment,
                               List<String> tags) {}
}
