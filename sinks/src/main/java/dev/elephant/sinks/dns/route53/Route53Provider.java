package dev.elephant.sinks.dns.route53;

import dev.elephant.sinks.dns.provider.DnsProvider;
import dev.elephant.sinks.dns.provider.ProviderException;
import dev.elephant.sinks.dns.provider.ProviderRecord;
import dev.elephant.sinks.dns.provider.RecordBatch;
import dev.elephant.sinks.dns.provider.RecordSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeInfo;
import software.amazon.awssdk.services.route53.model.ChangeStatus;
import software.amazon.awssdk.services.route53.model.HostedZone;
import software.amazon.awssdk.services.route53.model.InvalidChangeBatchException;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.PriorRequestNotCompleteException;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * Route 53 through the AWS SDK v2 {@code Route53Client}: a hosted zone's record sets, one
 * {@code ChangeResourceRecordSets} per batch, {@code GetChange} until the change is {@code INSYNC}.
 *
 * <p><b>The ownership mark.</b> Route 53 records carry no comment. A record Elephant owns has a TXT record set
 * beside it, at {@code _elephant-{type}.{name}} (one per name and type, so that an A and an AAAA at one name each
 * have theirs), whose value is the mark's text — the same text a Cloudflare record carries in its comment. The
 * mark is written in the same change batch as its record, so Route 53's all-or-nothing batches keep them
 * together; the label starts with an underscore, so it can never be a host name Elephant is asked to publish.
 *
 * <p><b>Every write checks what it changes.</b> Route 53 deletes a record set only when the request names its
 * exact TTL and values. An update is therefore sent as DELETE of the record and its mark as last seen, then
 * CREATE of the new ones, in one batch: if someone changed the record or removed the mark since Elephant looked,
 * the whole batch fails ({@code InvalidChangeBatch}) and nothing is written — the ownership check happens at the
 * provider, atomically, not only in the planner. A create is CREATE of the record (it fails if anyone holds the
 * name and type) and UPSERT of the mark (a mark left alone after its record was deleted by hand is taken over).
 */
public final class Route53Provider implements DnsProvider {

    public static final String NAME = "route53";
    static final String MARK_PREFIX = "_elephant-";
    /** The TTL of a mark: it is never looked up by resolvers, only listed. */
    static final long MARK_TTL = 300;
    private static final int PAGE = 300;
    /** Sends of one change while the zone is busy with the previous one: 100 ms, then doubling, 3 s in all. */
    private static final int ZONE_BUSY_ATTEMPTS = 5;
    /** Route 53 error codes that say "wait and send it again". */
    private static final Set<String> RETRYABLE_CODES = Set.of("Throttling", "ThrottlingException",
            "PriorRequestNotComplete", "ServiceUnavailable", "InternalFailure", "RequestTimeout");
    private static final Set<String> AUTH_CODES = Set.of("AccessDenied", "AccessDeniedException",
            "InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException", "ExpiredToken",
            "IncompleteSignature", "MissingAuthenticationToken");

    private final Route53Client client;
    private final String zoneId;
    /** Marks as last seen, by mark name: their TTL, so a delete names it exactly. */
    private final Map<String, Long> markTtls = new HashMap<>();

    /**
     * @param client a client whose retries are off (the sink retries with backoff, under Elephant's budget)
     */
    public Route53Provider(Route53Client client, String zoneId) {
        this.client = client;
        // Listings write ids as "/hostedzone/Z…"; requests take the bare id.
        this.zoneId = zoneId.startsWith("/hostedzone/") ? zoneId.substring("/hostedzone/".length()) : zoneId;
    }

    /**
     * The hosted zone for {@code domain}: the one with {@code zoneId} when given (it must serve the domain), else
     * the one whose name is the domain, public or private as asked; none or several is an error that says which.
     */
    public static HostedZone findZone(Route53Client client, String zoneId, String domain, boolean privateZone) {
        String fqdn = absolute(domain);
        if (zoneId != null && !zoneId.isBlank()) {
            HostedZone zone = client.getHostedZone(r -> r.id(zoneId)).hostedZone();
            if (!absolute(zone.name()).equals(fqdn)) {
                throw new IllegalArgumentException("Route 53 hosted zone " + zoneId + " is " + zone.name()
                        + ", not the domain " + fqdn);
            }
            return zone;
        }
        List<HostedZone> found = client.listHostedZonesByName(r -> r.dnsName(fqdn)).hostedZones().stream()
                .filter(z -> absolute(z.name()).equals(fqdn))
                .filter(z -> z.config() != null && Boolean.TRUE.equals(z.config().privateZone()) == privateZone)
                .toList();
        if (found.size() != 1) {
            throw new IllegalArgumentException((found.isEmpty() ? "no " : found.size() + " ")
                    + (privateZone ? "private" : "public") + " Route 53 hosted zone(s) named " + fqdn
                    + (found.isEmpty() ? "" : " (" + found.stream().map(HostedZone::id).toList() + ")")
                    + ": set route53.hostedZoneId");
        }
        return found.get(0);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The record sets at {@code name} and their marks: one listing from the name, which sorts them together. */
    @Override
    public List<ProviderRecord> recordsAt(String name) throws ProviderException {
        String fqdn = absolute(name);
        // Listings sort by reversed name: everything at or under the name comes first, then the listing may stop.
        List<ResourceRecordSet> sets = list(fqdn, s -> {
            String n = absolute(s.name());
            return n.equals(fqdn) || n.endsWith("." + fqdn);
        });
        return withMarks(sets).stream().filter(r -> r.name().equals(bare(fqdn))).toList();
    }

    /** Lists the zone (300 record sets a request) and keeps the records whose mark is this one. */
    @Override
    public List<ProviderRecord> recordsMarked(String mark) throws ProviderException {
        List<ResourceRecordSet> sets = list(null, s -> true);
        return withMarks(sets).stream()
                .filter(r -> r.mark() != null && r.mark().equalsIgnoreCase(mark))
                .toList();
    }

    /**
     * The zone's record sets from {@code startName} (null: the first) in listing order, page by page, up to the
     * first that {@code wanted} refuses.
     */
    private List<ResourceRecordSet> list(String startName, Predicate<ResourceRecordSet> wanted)
            throws ProviderException {
        List<ResourceRecordSet> sets = new ArrayList<>();
        String nextName = startName;
        String nextType = null;
        while (true) {
            String fromName = nextName;
            String fromType = nextType;
            ListResourceRecordSetsResponse page = call("ListResourceRecordSets", () -> client.listResourceRecordSets(
                    r -> r.hostedZoneId(zoneId).startRecordName(fromName).startRecordType(fromType)
                            .maxItems(String.valueOf(PAGE))));
            for (ResourceRecordSet s : page.resourceRecordSets()) {
                if (!wanted.test(s)) {
                    return sets;
                }
                sets.add(s);
            }
            if (!Boolean.TRUE.equals(page.isTruncated())) {
                return sets;
            }
            nextName = page.nextRecordName();
            nextType = page.nextRecordTypeAsString();
        }
    }

    /** Records (marks left out) with the text of the mark beside each, or null where there is none. */
    private List<ProviderRecord> withMarks(List<ResourceRecordSet> sets) {
        Map<String, String> marks = new HashMap<>();
        List<ResourceRecordSet> records = new ArrayList<>();
        for (ResourceRecordSet s : sets) {
            String n = absolute(s.name());
            if (n.startsWith(MARK_PREFIX)) {
                if (s.typeAsString().equals("TXT") && s.resourceRecords().size() == 1) {
                    marks.put(n, unquote(s.resourceRecords().get(0).value()));
                    synchronized (markTtls) {
                        markTtls.put(n, s.ttl());
                    }
                }
            } else if (s.aliasTarget() == null && s.setIdentifier() == null) {
                records.add(s); // alias and routing-policy sets are never Elephant's
            }
        }
        List<ProviderRecord> out = new ArrayList<>();
        for (ResourceRecordSet s : records) {
            String n = absolute(s.name());
            String type = s.typeAsString();
            out.add(new ProviderRecord(idOf(n, type), bare(n), type, content(type, s.resourceRecords()),
                    s.ttl() == null ? 0 : s.ttl().intValue(), marks.get(markName(n, type))));
        }
        return out;
    }

    /**
     * One {@code ChangeResourceRecordSets}: deletes, then updates (delete and create), then creates, each with its
     * mark. The answer is PENDING; the result names the change, in sync once {@link #inSync} says so.
     */
    @Override
    public RecordBatch.Result batch(RecordBatch batch) throws ProviderException {
        List<Change> changes = new ArrayList<>();
        for (ProviderRecord r : batch.deletes()) {
            changes.add(change(ChangeAction.DELETE, set(r.name(), r.type(), r.ttl(), r.content())));
            changes.add(change(ChangeAction.DELETE, markSet(r.name(), r.type(), r.mark(), lastMarkTtl(r))));
        }
        List<ProviderRecord> patched = new ArrayList<>();
        for (RecordBatch.Patch p : batch.patches()) {
            ProviderRecord old = p.existing();
            changes.add(change(ChangeAction.DELETE, set(old.name(), old.type(), old.ttl(), old.content())));
            changes.add(change(ChangeAction.DELETE, markSet(old.name(), old.type(), old.mark(), lastMarkTtl(old))));
            changes.add(change(ChangeAction.CREATE, set(p.spec().name(), p.spec().type(), p.spec().ttl(),
                    p.spec().content())));
            changes.add(change(ChangeAction.CREATE, markSet(p.spec().name(), p.spec().type(), p.spec().mark(),
                    MARK_TTL)));
            patched.add(recordOf(p.spec()));
        }
        List<ProviderRecord> posted = new ArrayList<>();
        for (RecordSpec spec : batch.posts()) {
            changes.add(change(ChangeAction.CREATE, set(spec.name(), spec.type(), spec.ttl(), spec.content())));
            changes.add(change(ChangeAction.UPSERT, markSet(spec.name(), spec.type(), spec.mark(), MARK_TTL)));
            posted.add(recordOf(spec));
        }
        ChangeInfo info = call("ChangeResourceRecordSets", () -> whileZoneBusy(() -> client.changeResourceRecordSets(r -> r
                .hostedZoneId(zoneId)
                .changeBatch(b -> b.comment("elephant").changes(changes))))).changeInfo();
        synchronized (markTtls) {
            batch.deletes().forEach(r -> markTtls.remove(markName(absolute(r.name()), r.type())));
            batch.patches().forEach(p -> markTtls.remove(markName(absolute(p.existing().name()), p.existing().type())));
            batch.patches().forEach(p -> markTtls.put(markName(absolute(p.spec().name()), p.spec().type()), MARK_TTL));
            batch.posts().forEach(s -> markTtls.put(markName(absolute(s.name()), s.type()), MARK_TTL));
        }
        return new RecordBatch.Result(patched, posted, info.status() == ChangeStatus.INSYNC ? null : info.id());
    }

    /** {@code GetChange}: whether every Route 53 name server answers with the change. */
    @Override
    public boolean inSync(String change) throws ProviderException {
        return call("GetChange", () -> client.getChange(r -> r.id(change))).changeInfo().status()
                == ChangeStatus.INSYNC;
    }

    private long lastMarkTtl(ProviderRecord r) {
        synchronized (markTtls) {
            return markTtls.getOrDefault(markName(absolute(r.name()), r.type()), MARK_TTL);
        }
    }

    private static Change change(ChangeAction action, ResourceRecordSet set) {
        return Change.builder().action(action).resourceRecordSet(set).build();
    }

    private static ResourceRecordSet set(String name, String type, long ttl, String content) {
        List<ResourceRecord> values = new ArrayList<>();
        for (String v : content.split(",")) {
            values.add(ResourceRecord.builder().value(type.equals("TXT") ? quote(v) : v).build());
        }
        return ResourceRecordSet.builder().name(absolute(name)).type(type).ttl(ttl).resourceRecords(values).build();
    }

    private static ResourceRecordSet markSet(String name, String type, String mark, long ttl) {
        if (mark == null) {
            // The planner only writes records it owns; a record without a mark reaching here is a defect upstream.
            throw new IllegalArgumentException("a write to " + name + " without Elephant's mark");
        }
        return ResourceRecordSet.builder().name(markName(absolute(name), type)).type("TXT").ttl(ttl)
                .resourceRecords(ResourceRecord.builder().value(quote(mark)).build()).build();
    }

    private static ProviderRecord recordOf(RecordSpec spec) {
        String n = absolute(spec.name());
        return new ProviderRecord(idOf(n, spec.type()), bare(n), spec.type(), spec.content(), spec.ttl(), spec.mark());
    }

    /** Record sets have no id at Route 53: name and type say which one. */
    static String idOf(String fqdn, String type) {
        return fqdn + " " + type;
    }

    static String markName(String fqdn, String type) {
        return MARK_PREFIX + type.toLowerCase(Locale.ROOT) + "." + fqdn;
    }

    /** Values in the order Route 53 lists them, joined by commas (a record set Elephant writes has one). */
    private static String content(String type, List<ResourceRecord> values) {
        List<String> out = new ArrayList<>();
        for (ResourceRecord v : values) {
            out.add(type.equals("TXT") ? unquote(v.value()) : v.value());
        }
        return String.join(",", out);
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A TXT value's strings ("a" "b") joined, quotes and escapes removed. */
    static String unquote(String value) {
        StringBuilder out = new StringBuilder();
        boolean in = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                in = !in;
            } else if (c == '\\' && in && i + 1 < value.length()) {
                out.append(value.charAt(++i));
            } else if (in) {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Lower case with the trailing dot; Route 53's {@code \052} read back as {@code *}. */
    static String absolute(String name) {
        String n = name.replace("\\052", "*").toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n : n + ".";
    }

    private static String bare(String fqdn) {
        return fqdn.substring(0, fqdn.length() - 1);
    }

    private interface Call<T> {
        T run();
    }

    /** One SDK call, its failure classified by what the sink should do next. */
    private <T> T call(String operation, Call<T> call) throws ProviderException {
        boolean write = operation.equals("ChangeResourceRecordSets");
        try {
            return call.run();
        } catch (InvalidChangeBatchException e) {
            String why = e.messages() != null && !e.messages().isEmpty() ? String.join("; ", e.messages())
                    : e.awsErrorDetails() == null ? String.valueOf(e.getMessage()) : e.awsErrorDetails().errorMessage();
            String what = "Route 53 " + operation + " refused the batch (InvalidChangeBatch): " + why;
            // Something is already there, or no longer as last seen: look at the name again. Anything else
            // (values Route 53 will not take) stays refused however often it is sent.
            boolean stale = why.contains("already exists") || why.contains("but it was not found")
                    || why.contains("do not match");
            return fail(new ProviderException(stale ? ProviderException.Kind.ALREADY_DONE
                    : ProviderException.Kind.PERMANENT, what, null, null));
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
            String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
            String what = "Route 53 " + operation + " answered HTTP " + e.statusCode() + " " + code
                    + (message == null ? "" : ": " + message);
            if (RETRYABLE_CODES.contains(code) || e.statusCode() >= 500 || e.isThrottlingException()) {
                Duration wait = code.equals("PriorRequestNotComplete") ? Duration.ofMillis(500) : Duration.ofSeconds(1);
                return fail(new ProviderException(ProviderException.Kind.RETRYABLE, what, wait, null));
            }
            if (AUTH_CODES.contains(code) || e.statusCode() == 403) {
                return fail(new ProviderException(ProviderException.Kind.BLOCKED, what, null, null, true));
            }
            if (code.equals("NoSuchHostedZone")) {
                return fail(new ProviderException(ProviderException.Kind.BLOCKED, what, null, null));
            }
            return fail(new ProviderException(ProviderException.Kind.PERMANENT, what, null, null));
        } catch (SdkClientException e) {
            // No answer: a change may have been applied all the same.
            String what = "Route 53 " + operation + ": no answer (" + e.getMessage() + ")";
            return fail(write ? ProviderException.outcomeUnknown(what, null)
                    : new ProviderException(ProviderException.Kind.RETRYABLE, what, null, null));
        } catch (SdkException e) {
            return fail(new ProviderException(ProviderException.Kind.RETRYABLE, "Route 53 " + operation + ": "
                    + e.getMessage(), null, null));
        }
    }

    /**
     * Sends a change again while Route 53 answers {@code PriorRequestNotComplete}: the zone is still taking the
     * previous change and this one was not applied, so sending it again a moment later is safe, and cheaper than
     * failing the batch (its intents would get {@code failed} outcomes and new ones for the same writes).
     */
    private static <T> T whileZoneBusy(Call<T> call) {
        long waitMillis = 100;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (PriorRequestNotCompleteException e) {
                if (attempt == ZONE_BUSY_ATTEMPTS) {
                    throw e;
                }
                try {
                    Thread.sleep(waitMillis);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                waitMillis *= 2;
            }
        }
    }

    private static <T> T fail(ProviderException e) throws ProviderException {
        throw e;
    }

    @Override
    public String toString() {
        return "Route 53 zone " + zoneId;
    }
}
