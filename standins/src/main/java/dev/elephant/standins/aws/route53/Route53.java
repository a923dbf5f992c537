package dev.elephant.standins.aws.route53;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elephant.events.Json;
import dev.elephant.standins.http.StateFile;
import dev.elephant.standins.http.TokenBucket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The Route 53 of the stand-in's account: hosted zones, their record sets, changes and their status, with the
 * rules and limits Route 53 documents (Amazon Route 53 API Reference: ChangeResourceRecordSets,
 * ListResourceRecordSets, GetChange; Developer Guide: "Quotas" and "Throttling for Amazon Route 53 API requests"):
 * <ul>
 *   <li>a change batch is validated whole and applied all or nothing; {@code CREATE} of an existing record set,
 *       {@code DELETE} of a missing one or with other TTL or values than the current ones fail with
 *       {@code InvalidChangeBatch}, listing every problem;</li>
 *   <li>at most 1,000 {@code ResourceRecord} elements and 32,000 characters of values per request, an
 *       {@code UPSERT} counting twice;</li>
 *   <li>every request of the account takes a token from one bucket ({@code Throttling}, "Rate exceeded", when
 *       empty); a change to a zone still processing the previous one gets {@code PriorRequestNotComplete};</li>
 *   <li>a change is {@code PENDING} until it has reached every name server, then {@code INSYNC}: DNS answers
 *       (served by {@link #served}) show it only from then on, while listings show the current version at
 *       once;</li>
 *   <li>listings sort by name with its labels reversed, then by type, 300 record sets a page at most.</li>
 * </ul>
 */
public final class Route53 {

    /** Record types Route 53 accepts in a {@code ResourceRecordSet} (without alias and routing policies). */
    static final Set<String> TYPES = Set.of("A", "AAAA", "CAA", "CNAME", "DS", "MX", "NAPTR", "NS", "PTR", "SOA",
            "SPF", "SRV", "TXT");
    static final int MAX_RECORDS_PER_REQUEST = 1000;
    static final int MAX_VALUE_CHARS_PER_REQUEST = 32_000;
    static final int MAX_ITEMS = 300;
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    /** One or more quoted strings of at most 255 characters each, as a TXT value must be written. */
    private static final Pattern TXT_VALUE = Pattern.compile("(\"([^\"\\\\]|\\\\.){0,255}\"\\s*)+");

    /**
     * @param requestBurst      the account's request bucket (Route 53 long documented 5 requests per second)
     * @param requestsPerSecond its refill
     * @param syncDelay         how long a change stays PENDING (Route 53: "usually within 60 seconds")
     * @param processingTime    how long a zone is busy with a change: another change to it meanwhile is
     *                          refused with PriorRequestNotComplete
     */
    public record Limits(double requestBurst, double requestsPerSecond, Duration syncDelay, Duration processingTime) {

        /** The long-documented five requests per second; changes in sync after two seconds. */
        public static Limits documented() {
            return new Limits(5, 5, Duration.ofSeconds(2), Duration.ofMillis(100));
        }
    }

    /** A record set as Route 53 keeps it: name lower-case with its trailing dot, values as written. */
    public record RecordSet(String name, String type, long ttl, List<String> values) {

        public RecordSet {
            values = List.copyOf(values);
        }

        String describe() {
            return "[name='" + name + "', type='" + type + "']";
        }
    }

    public enum Action { CREATE, DELETE, UPSERT }

    public record Change(Action action, RecordSet set) {}

    public record HostedZone(String id, String name, String callerReference, boolean privateZone, String comment) {}

    public record ChangeInfo(String id, String status, Instant submittedAt, String comment) {}

    /** A stored zone, for the state file. */
    private record StoredZone(HostedZone zone, List<RecordSet> sets) {}

    private record Stored(List<StoredZone> zones) {}

    private static final class Zone {
        final HostedZone info;
        final TreeMap<String, RecordSet> current = new TreeMap<>();
        /** What the name servers answer: the changes that are in sync. */
        final TreeMap<String, RecordSet> served = new TreeMap<>();
        long busyUntilNanos = Long.MIN_VALUE;

        Zone(HostedZone info) {
            this.info = info;
        }
    }

    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Path storeFile;
    private final Random ids = new Random();
    private final Map<String, Zone> zones = new LinkedHashMap<>();
    private final Map<String, ChangeInfo> changes = new LinkedHashMap<>();
    private volatile Limits limits;
    private volatile TokenBucket requests;
    private long throttled;
    private long changeRequests;
    private long changesApplied;
    private final List<List<Change>> appliedBatches = new ArrayList<>();
    private long priorRequestRefusals;

    public Route53(Limits limits, ScheduledExecutorService scheduler, Path storeFile, Clock clock) {
        this.clock = clock;
        this.scheduler = scheduler;
        this.storeFile = storeFile;
        limits(limits);
        load();
    }

    /** Changes the limits from now on (a test that needs a tighter or a looser account). */
    public void limits(Limits limits) {
        this.limits = limits;
        this.requests = TokenBucket.of(limits.requestBurst(), limits.requestsPerSecond());
    }

    /** Every request of the account takes a token first; false: it is refused with {@code Throttling}. */
    boolean admit() {
        if (requests.tryTake(1)) {
            return true;
        }
        synchronized (this) {
            throttled++;
        }
        return false;
    }

    public synchronized long throttled() {
        return throttled;
    }

    public synchronized long changeRequests() {
        return changeRequests;
    }

    /** Every change batch applied, in order: what a test counts writes by. */
    public synchronized List<List<Change>> appliedBatches() {
        return List.copyOf(appliedBatches);
    }

    /** Change elements of every batch applied. */
    public synchronized long changesApplied() {
        return changesApplied;
    }

    public synchronized long priorRequestRefusals() {
        return priorRequestRefusals;
    }

    /**
     * {@code CreateHostedZone}: a new zone with its SOA and NS record sets; a caller reference used before answers
     * {@code HostedZoneAlreadyExists}, so a retried create never makes a second zone.
     */
    public synchronized HostedZone createHostedZone(String name, String callerReference, boolean privateZone,
                                                    String comment) {
        String fqdn = absolute(name);
        if (!isValidName(fqdn) || fqdn.equals(".")) {
            throw new Route53Error(400, "InvalidDomainName", "The domain name is invalid");
        }
        for (Zone z : zones.values()) {
            if (z.info.callerReference().equals(callerReference)) {
                throw new Route53Error(409, "HostedZoneAlreadyExists",
                        "A hosted zone has already been created with the specified caller reference.");
            }
        }
        HostedZone info = new HostedZone(zoneIdFor(fqdn + "|" + callerReference), fqdn, callerReference, privateZone,
                comment);
        Zone zone = new Zone(info);
        RecordSet soa = new RecordSet(fqdn, "SOA", 900, List.of("ns-1.standin.route53. hostmaster.standin.route53. 1 "
                + "7200 900 1209600 86400"));
        RecordSet ns = new RecordSet(fqdn, "NS", 172800, List.of("ns-1.standin.route53.", "ns-2.standin.route53."));
        for (RecordSet s : List.of(ns, soa)) {
            zone.current.put(key(s.name(), s.type()), s);
            zone.served.put(key(s.name(), s.type()), s);
        }
        zones.put(info.id(), zone);
        save();
        return info;
    }

    public synchronized List<HostedZone> hostedZones() {
        return zones.values().stream().map(z -> z.info).toList();
    }

    public synchronized Optional<HostedZone> hostedZone(String id) {
        Zone z = zones.get(bareZoneId(id));
        return z == null ? Optional.empty() : Optional.of(z.info);
    }

    public synchronized int recordSetCount(String zoneId) {
        return zone(zoneId).current.size();
    }

    /** {@code ListHostedZonesByName}: zones ordered by reversed name, from {@code dnsName} on. */
    public synchronized List<HostedZone> hostedZonesByName(String dnsName) {
        String from = dnsName == null ? "" : reversed(absolute(dnsName));
        return zones.values().stream().map(z -> z.info)
                .sorted(Comparator.comparing((HostedZone z) -> reversed(z.name())).thenComparing(HostedZone::id))
                .filter(z -> reversed(z.name()).compareTo(from) >= 0)
                .toList();
    }

    /**
     * {@code ChangeResourceRecordSets}: validates the whole batch against the zone as it is, applies it or
     * nothing, and answers the change, PENDING until {@link Limits#syncDelay()} has passed.
     */
    public synchronized ChangeInfo change(String zoneId, List<Change> batch, String comment) {
        Zone zone = zone(zoneId);
        if (batch.isEmpty()) {
            throw new Route53Error(400, "InvalidInput", "1 validation error detected: Value '[]' at "
                    + "'changeBatch.changes' failed to satisfy constraint: Member must have length greater than or "
                    + "equal to 1");
        }
        long now = System.nanoTime();
        if (now < zone.busyUntilNanos) {
            priorRequestRefusals++;
            throw new Route53Error(400, "PriorRequestNotComplete",
                    "The request was rejected because Route 53 was still processing a prior request.");
        }
        checkRequestLimits(batch);
        List<String> problems = new ArrayList<>();
        TreeMap<String, RecordSet> after = new TreeMap<>(zone.current);
        Set<String> deletedInBatch = new HashSet<>();
        for (Change c : batch) {
            RecordSet s = c.set();
            String problem = validate(zone, s);
            if (problem != null) {
                problems.add(problem);
                continue;
            }
            String key = key(s.name(), s.type());
            RecordSet existing = after.get(key);
            switch (c.action()) {
                case CREATE, UPSERT -> {
                    if (c.action() == Action.CREATE && existing != null) {
                        problems.add("Tried to create resource record set " + s.describe() + " but it already exists");
                    } else if (conflictsWithCname(after, s)) {
                        problems.add("RRSet of type " + s.type() + " with DNS name " + s.name()
                                + " is not permitted because a conflicting RRSet of type CNAME with the same DNS name "
                                + "already exists in zone " + zone.info.name());
                    } else {
                        after.put(key, s);
                    }
                }
                case DELETE -> {
                    if (!deletedInBatch.add(key) && existing == null) {
                        problems.add("Tried to delete resource record set " + s.describe()
                                + " more than once in a single change batch");
                    } else if (existing == null) {
                        problems.add("Tried to delete resource record set " + s.describe() + " but it was not found");
                    } else if (existing.ttl() != s.ttl() || !sameValues(existing.values(), s.values())) {
                        problems.add("Tried to delete resource record set " + s.describe()
                                + " but the values provided do not match the current values");
                    } else if (s.type().equals("SOA") || (s.type().equals("NS") && s.name().equals(zone.info.name()))) {
                        problems.add("A HostedZone must contain at least one NS record for the zone itself and "
                                + "exactly one SOA record.");
                    } else {
                        after.remove(key);
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw Route53Error.invalidChangeBatch(problems);
        }
        zone.current.clear();
        zone.current.putAll(after);
        changeRequests++;
        changesApplied += batch.size();
        appliedBatches.add(List.copyOf(batch));
        zone.busyUntilNanos = now + limits.processingTime().toNanos();
        ChangeInfo info = new ChangeInfo("C" + randomId(13), "PENDING", clock.instant(), comment);
        changes.put(info.id(), info);
        save();
        List<Change> applied = List.copyOf(batch);
        scheduler.schedule(() -> sync(zone, info, applied), limits.syncDelay().toMillis(), TimeUnit.MILLISECONDS);
        return info;
    }

    private synchronized void sync(Zone zone, ChangeInfo info, List<Change> batch) {
        for (Change c : batch) {
            String key = key(c.set().name(), c.set().type());
            if (c.action() == Action.DELETE) {
                zone.served.remove(key);
            } else {
                zone.served.put(key, c.set());
            }
        }
        changes.put(info.id(), new ChangeInfo(info.id(), "INSYNC", info.submittedAt(), info.comment()));
    }

    /** {@code GetChange}. */
    public synchronized ChangeInfo change(String changeId) {
        String id = changeId.startsWith("/change/") ? changeId.substring("/change/".length()) : changeId;
        if (id.contains("/")) {
            throw new Route53Error(400, "InvalidInput", "Invalid change id: " + changeId);
        }
        ChangeInfo info = changes.get(id);
        if (info == null) {
            throw new Route53Error(404, "NoSuchChange", "A change with the specified change ID does not exist.");
        }
        return info;
    }

    /**
     * {@code ListResourceRecordSets}: from the first record set whose (reversed) name is at or after
     * {@code startName} (and type at or after {@code startType} at that name), at most {@code maxItems}.
     */
    public synchronized List<RecordSet> list(String zoneId, String startName, String startType, int maxItems) {
        Zone zone = zone(zoneId);
        if (startType != null && startName == null) {
            throw new Route53Error(400, "InvalidInput", "The input is not valid: a type requires a name");
        }
        String from = startName == null ? "" : key(absolute(startName), startType == null ? "" : startType);
        List<RecordSet> page = new ArrayList<>();
        for (RecordSet s : zone.current.tailMap(from, true).values()) {
            if (page.size() == maxItems + 1) {
                break;
            }
            page.add(s);
        }
        return page;
    }

    /** What DNS answers at a name (lower-case, without the trailing dot): the record sets in sync. */
    public synchronized List<RecordSet> served(String zoneId, String name) {
        Zone zone = zones.get(bareZoneId(zoneId));
        if (zone == null) {
            return List.of();
        }
        String fqdn = absolute(name);
        return zone.served.values().stream().filter(s -> s.name().equals(fqdn)).toList();
    }

    /** Every record set as listings show it, for tests. */
    public synchronized List<RecordSet> recordSets(String zoneId) {
        return List.copyOf(zone(zoneId).current.values());
    }

    /** Whether every change of the zone is in sync. */
    public synchronized boolean allInSync() {
        return changes.values().stream().allMatch(c -> c.status().equals("INSYNC"));
    }

    private void checkRequestLimits(List<Change> batch) {
        int records = 0;
        int chars = 0;
        for (Change c : batch) {
            int weight = c.action() == Action.UPSERT ? 2 : 1;
            records += weight * c.set().values().size();
            for (String v : c.set().values()) {
                chars += weight * v.length();
            }
        }
        if (records > MAX_RECORDS_PER_REQUEST) {
            throw Route53Error.invalidChangeBatch(List.of("Number of records limit of " + MAX_RECORDS_PER_REQUEST
                    + " exceeded."));
        }
        if (chars > MAX_VALUE_CHARS_PER_REQUEST) {
            throw Route53Error.invalidChangeBatch(List.of("Number of characters in values limit of "
                    + MAX_VALUE_CHARS_PER_REQUEST + " exceeded."));
        }
    }

    private static String validate(Zone zone, RecordSet s) {
        if (!isValidName(s.name())) {
            return "Invalid Resource Record: FATAL problem: DomainLabelEmpty (Domain label is empty) encountered with '"
                    + s.name() + "'";
        }
        if (!s.name().equals(zone.info.name()) && !s.name().endsWith("." + zone.info.name())) {
            return "RRSet with DNS name " + s.name() + " is not permitted in zone " + zone.info.name();
        }
        if (!TYPES.contains(s.type())) {
            return "Invalid type " + s.type();
        }
        if (s.ttl() < 0 || s.ttl() > 2_147_483_647L) {
            return "Invalid TTL " + s.ttl() + " for " + s.describe();
        }
        if (s.values().isEmpty()) {
            return "Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or "
                    + "TrafficPolicyInstanceId], but found none in Change with [Action=?, Name=" + s.name() + ", Type="
                    + s.type() + "]";
        }
        for (String v : s.values()) {
            String problem = switch (s.type()) {
                case "A" -> IPV4.matcher(v).matches() ? null : "ARRDATAIllegalIPv4Address (Value is not a valid IPv4 "
                        + "address) encountered with '" + v + "'";
                case "AAAA" -> isIpv6(v) ? null : "AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address) "
                        + "encountered with '" + v + "'";
                case "TXT", "SPF" -> TXT_VALUE.matcher(v).matches() ? null : "InvalidCharacterString (Value should be "
                        + "enclosed in quotation marks) encountered with '" + v + "'";
                case "CNAME" -> s.values().size() == 1 && isValidName(absolute(v)) ? null
                        : "CNAME record sets hold exactly one domain name";
                default -> null;
            };
            if (problem != null) {
                return "Invalid Resource Record: FATAL problem: " + problem;
            }
        }
        return null;
    }

    private static boolean conflictsWithCname(Map<String, RecordSet> sets, RecordSet s) {
        for (RecordSet other : sets.values()) {
            if (other.name().equals(s.name()) && !other.type().equals(s.type())
                    && (other.type().equals("CNAME") || s.type().equals("CNAME"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameValues(List<String> a, List<String> b) {
        return a.size() == b.size() && new HashSet<>(a).equals(new HashSet<>(b));
    }

    private static boolean isIpv6(String v) {
        if (!v.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(v).getAddress().length == 16;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isValidName(String fqdn) {
        if (fqdn.length() > 255 || !fqdn.endsWith(".")) {
            return false;
        }
        if (fqdn.equals(".")) {
            return true;
        }
        for (String label : fqdn.substring(0, fqdn.length() - 1).split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                return false;
            }
        }
        return true;
    }

    private Zone zone(String zoneId) {
        Zone z = zones.get(bareZoneId(zoneId));
        if (z == null) {
            throw new Route53Error(404, "NoSuchHostedZone", "No hosted zone found with ID: " + bareZoneId(zoneId));
        }
        return z;
    }

    /** Ids are written {@code Z…} or {@code /hostedzone/Z…}; Route 53 takes either. */
    static String bareZoneId(String id) {
        return id.startsWith("/hostedzone/") ? id.substring("/hostedzone/".length()) : id;
    }

    /** Lower-case, with the trailing dot, {@code \052} read as {@code *} (how Route 53 writes it back). */
    static String absolute(String name) {
        String n = name.replace("\\052", "*").toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n : n + ".";
    }

    /** The sort key: labels reversed ("com.example.www."), then the type. */
    static String key(String fqdn, String type) {
        return reversed(fqdn) + " " + type;
    }

    static String reversed(String fqdn) {
        String bare = fqdn.endsWith(".") ? fqdn.substring(0, fqdn.length() - 1) : fqdn;
        if (bare.isEmpty()) {
            return ".";
        }
        String[] labels = bare.split("\\.");
        StringBuilder out = new StringBuilder();
        for (int i = labels.length - 1; i >= 0; i--) {
            out.append(labels[i]).append('.');
        }
        return out.toString();
    }

    /** A stable id per zone name and caller reference, so a restarted stand-in serves the same zone under it. */
    private static String zoneIdFor(String seed) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            StringBuilder id = new StringBuilder("Z");
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
            for (int i = 0; i < 20; i++) {
                id.append(alphabet.charAt((d[i] & 0xff) % alphabet.length()));
            }
            return id.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String randomId(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < length; i++) {
            id.append(alphabet.charAt(ids.nextInt(alphabet.length())));
        }
        return id.toString();
    }

    private void load() {
        if (storeFile == null || !Files.exists(storeFile)) {
            return;
        }
        try {
            JsonNode root = Json.mapper().readTree(storeFile.toFile());
            Stored stored = Json.mapper().treeToValue(root, Stored.class);
            for (StoredZone sz : stored.zones()) {
                Zone zone = new Zone(sz.zone());
                for (RecordSet s : sz.sets()) {
                    zone.current.put(key(s.name(), s.type()), s);
                    zone.served.put(key(s.name(), s.type()), s); // a restart finds every change in sync
                }
                zones.put(sz.zone().id(), zone);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Route 53 stand-in's state from " + storeFile, e);
        }
    }

    private void save() {
        if (storeFile == null) {
            return;
        }
        List<StoredZone> stored = zones.values().stream()
                .map(z -> new StoredZone(z.info, List.copyOf(z.current.values()))).toList();
        StateFile.write(storeFile, new Stored(stored), "the Route 53 stand-in's zones");
    }
}
