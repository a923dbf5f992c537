package dev.elephant.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A failover name on {@code failover-names}, keyed by its label: {@code {name}.{domain}} points at the primary
 * target while it passes its check, at the secondary when the primary fails {@code failures} checks in a row, and
 * back at the primary once it passes {@code passes} in a row. A tombstone removes the name and its record.
 *
 * <p>Stored with every default filled in, so that what the topology and the checker read is the whole declaration.
 *
 * @param source        {@code api} (POST /v1/failover) or {@code config} (the run config, written at start)
 * @param declarationId changes with every declaration written; a check result names the declaration it checked
 */
public record FailoverName(
        int schemaVersion,
        String name,
        Target primary,
        Target secondary,
        Check check,
        String interval,
        String timeout,
        int failures,
        int passes,
        int ttl,
        String source,
        String declarationId,
        Instant time) {

    public static final int SCHEMA_VERSION = 1;
    public static final String SOURCE_API = "api";
    public static final String SOURCE_CONFIG = "config";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_FAILURES = 3;
    public static final int DEFAULT_PASSES = 2;
    public static final int DEFAULT_TTL = 60;
    public static final String DEFAULT_STATUS = "200-399";
    /**
     * How much of an HTTP answer's body is searched for the expected string, and how long that string may be:
     * Route 53 health checks' figures ("the first 5,120 bytes", "up to 255 characters"), so a check moved to or
     * from Route 53 means the same.
     */
    public static final int BODY_SEARCHED_BYTES = 5120;
    public static final int MAX_BODY_STRING = 255;
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    static final Duration MAX_INTERVAL = Duration.ofHours(1);
    static final Duration MIN_TIMEOUT = Duration.ofMillis(100);

    /** An RFC 1123 label in lower case: the name sits directly under Elephant's domain. */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern STATUS = Pattern.compile("([1-5]\\d\\d)(?:-([1-5]\\d\\d))?");
    private static final Pattern PATH = Pattern.compile("/[\\x21-\\x7e]{0,254}");
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7e]*");
    private static final Set<String> FIELDS = Set.of("name", "primary", "secondary", "check", "interval", "timeout",
            "failures", "passes", "ttl");
    private static final Set<String> TARGET_FIELDS = Set.of("address", "instanceId");
    private static final Set<String> CHECK_FIELDS = Set.of("type", "port", "path", "status", "body");

    /** Where a name may point: a fixed IPv4 address, or an instance's current address (the one its own record has). */
    public record Target(String address, String instanceId) {

        public boolean isInstance() {
            return instanceId != null;
        }

        /** {@code 10.0.1.5} or {@code i-0abc…}, for logs and pages. */
        public String describe() {
            return isInstance() ? instanceId : address;
        }
    }

    /**
     * How a target is checked: {@code tcp} (a connection to {@code port} opens), or {@code http}/{@code https} (a GET of
     * {@code path} answers a status in {@code status}, a single code or a range {@code 200-399}, and, when {@code body}
     * is given, the first {@value #BODY_SEARCHED_BYTES} bytes of the answer contain it).
     */
    public record Check(String type, int port, String path, String status, String body) {

        public boolean isHttp() {
            return "http".equals(type) || "https".equals(type);
        }

        /** Whether {@code code} is in {@link #status}. */
        public boolean accepts(int code) {
            var m = STATUS.matcher(status == null ? DEFAULT_STATUS : status);
            if (!m.matches()) {
                return false;
            }
            int low = Integer.parseInt(m.group(1));
            int high = m.group(2) == null ? low : Integer.parseInt(m.group(2));
            return code >= low && code <= high;
        }
    }

    /** Whether {@code name} can be a failover name's label (the grammar only: not whether it is an instance id). */
    public static boolean isLabel(String name) {
        return name != null && LABEL.matcher(name).matches();
    }

    public Duration intervalDuration() {
        return Duration.parse(interval);
    }

    public Duration timeoutDuration() {
        return Duration.parse(timeout);
    }

    /** The target of that role: {@code primary} or {@code secondary}. */
    public Target target(String role) {
        return switch (role) {
            case FailoverCheck.PRIMARY -> primary;
            case FailoverCheck.SECONDARY -> secondary;
            default -> throw new IllegalArgumentException("no target " + role);
        };
    }

    /** The record's name. */
    public String recordName(String domain) {
        return name + "." + domain;
    }

    /** Whether {@code other} declares the same thing (the ids, times and where it came from aside). */
    public boolean declaresSameAs(FailoverName other) {
        return other != null && name.equals(other.name) && primary.equals(other.primary)
                && secondary.equals(other.secondary) && check.equals(other.check) && interval.equals(other.interval)
                && timeout.equals(other.timeout) && failures == other.failures && passes == other.passes
                && ttl == other.ttl;
    }

    public FailoverName withId(String id, Instant at) {
        return new FailoverName(schemaVersion, name, primary, secondary, check, interval, timeout, failures, passes, ttl,
                source, id, at);
    }

    /** A declaration that cannot be taken, with every problem, each naming its field. */
    public static final class Invalid extends Exception {
        private final List<String> problems;

        public Invalid(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /**
     * The declaration a user wrote (the body of {@code POST /v1/failover}, or one name under {@code failover} in the
     * run config, whose numbers may come as text), checked whole and with its defaults filled in.
     *
     * @param name the name when it is given apart from the body (the run config's key), else null
     * @throws Invalid naming every field that is wrong
     */
    public static FailoverName parse(JsonNode body, String name, String source, String declarationId, Instant at)
            throws Invalid {
        List<String> problems = new ArrayList<>();
        if (body == null || !body.isObject()) {
            throw new Invalid(List.of("the declaration must be a JSON object such as {\"name\":\"db\",\"primary\":"
                    + "{\"address\":\"10.0.1.5\"},\"secondary\":{\"instanceId\":\"i-0abc1234\"},\"check\":"
                    + "{\"type\":\"tcp\",\"port\":5432}}"));
        }
        unknownFields("", body, FIELDS, problems);
        String label = name != null ? name : text(body, "name");
        if (name != null && body.has("name") && !name.equals(text(body, "name"))) {
            problems.add("name " + Printable.of(text(body, "name")) + " differs from the name it is declared under, "
                    + name);
        }
        if (label == null) {
            problems.add("name is missing (one label under the domain, such as db)");
        } else if (!isLabel(label)) {
            problems.add("name " + Printable.of(label) + " must be one DNS label: 1 to 63 lower-case letters, digits or"
                    + " '-', not starting or ending with '-'");
        } else if (InstanceIds.isValid(label)) {
            problems.add("name " + label + " is an instance id: that name belongs to the instance's own record");
        }
        Target primary = target("primary", body.get("primary"), problems);
        Target secondary = target("secondary", body.get("secondary"), problems);
        if (primary != null && primary.equals(secondary)) {
            problems.add("secondary is the primary: a failover needs two different targets");
        }
        Check check = check(body.get("check"), problems);
        Duration interval = duration(body, "interval", DEFAULT_INTERVAL, problems);
        Duration timeout = duration(body, "timeout", DEFAULT_TIMEOUT, problems);
        if (interval != null && (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0)) {
            problems.add("interval must be from PT1S to PT1H, was " + interval);
        }
        if (timeout != null && timeout.compareTo(MIN_TIMEOUT) < 0) {
            problems.add("timeout must be at least PT0.1S, was " + timeout);
        }
        if (interval != null && timeout != null && timeout.compareTo(interval) >= 0) {
            problems.add("timeout (" + timeout + ") must be shorter than interval (" + interval
                    + "): a target is checked once per interval");
        }
        int failures = count(body, "failures", DEFAULT_FAILURES, 1, 10, problems);
        int passes = count(body, "passes", DEFAULT_PASSES, 1, 10, problems);
        int ttl = count(body, "ttl", DEFAULT_TTL, 1, 86_400, problems);
        if (ttl != 1 && ttl < 60) {
            problems.add("ttl must be 1 (automatic) or 60..86400 seconds (Cloudflare's range), was " + ttl);
        }
        if (!problems.isEmpty()) {
            throw new Invalid(problems);
        }
        return new FailoverName(SCHEMA_VERSION, label, primary, secondary, check, interval.toString(),
                timeout.toString(), failures, passes, ttl, source, declarationId, at);
    }

    private static Target target(String field, JsonNode node, List<String> problems) {
        if (node == null || node.isNull()) {
            problems.add(field + " is missing: {\"address\":\"10.0.1.5\"} or {\"instanceId\":\"i-0abc1234\"}");
            return null;
        }
        if (!node.isObject()) {
            problems.add(field + " must be an object: {\"address\":\"10.0.1.5\"} or {\"instanceId\":\"i-0abc1234\"}");
            return null;
        }
        unknownFields(field + ".", node, TARGET_FIELDS, problems);
        String address = text(node, "address");
        String given = text(node, "instanceId");
        String instanceId = given == null ? null : given.toLowerCase(Locale.ROOT);
        if ((address == null) == (instanceId == null)) {
            problems.add(field + " must have exactly one of address and instanceId");
            return null;
        }
        if (address != null && !IPV4.matcher(address).matches()) {
            problems.add(field + ".address " + Printable.of(address) + " is not an IPv4 address such as 10.0.1.5"
                    + (address.contains(":") ? " (failover names are A records)" : ""));
            return null;
        }
        if (instanceId != null && !InstanceIds.isValid(instanceId)) {
            problems.add(field + ".instanceId " + Printable.of(instanceId) + " is not an EC2 instance id (i- and 8 or 17"
                    + " hex digits) or an ECS task id (32 hex digits)");
            return null;
        }
        return new Target(address, instanceId);
    }

    private static Check check(JsonNode node, List<String> problems) {
        if (node == null || !node.isObject()) {
            problems.add("check is missing: {\"type\":\"tcp\",\"port\":5432} or {\"type\":\"http\",\"port\":8080,"
                    + "\"path\":\"/health\"}");
            return null;
        }
        unknownFields("check.", node, CHECK_FIELDS, problems);
        String type = text(node, "type");
        if (!"tcp".equals(type) && !"http".equals(type) && !"https".equals(type)) {
            problems.add("check.type " + Printable.of(type) + " must be tcp, http or https");
            return null;
        }
        int port = count(node, "port", -1, 1, 65_535, problems, "check.");
        if (port == -1 && !node.has("port")) {
            problems.add("check.port is missing");
        }
        String path = text(node, "path");
        String status = text(node, "status");
        String body = text(node, "body");
        if (type.equals("tcp")) {
            for (String f : List.of("path", "status", "body")) {
                if (node.has(f)) {
                    problems.add("check." + f + " is for http and https checks, not tcp");
                }
            }
            return new Check(type, port, null, null, null);
        }
        if (path == null) {
            path = "/";
        } else if (!PATH.matcher(path).matches()) {
            problems.add("check.path " + Printable.of(path) + " must start with / and be at most 255 printable ASCII "
                    + "characters");
        }
        if (status == null) {
            status = DEFAULT_STATUS;
        } else {
            var m = STATUS.matcher(status);
            if (!m.matches() || (m.group(2) != null && Integer.parseInt(m.group(2)) < Integer.parseInt(m.group(1)))) {
                problems.add("check.status " + Printable.of(status) + " must be a status code or a range such as "
                        + "200-399");
            }
        }
        if (body != null && (body.isEmpty() || body.length() > MAX_BODY_STRING || !PRINTABLE.matcher(body).matches())) {
            problems.add("check.body must be 1 to " + MAX_BODY_STRING + " printable ASCII characters");
        }
        return new Check(type, port, path, status, body);
    }

    private static Duration duration(JsonNode body, String field, Duration fallback, List<String> problems) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        try {
            return Duration.parse(n.asText());
        } catch (DateTimeParseException e) {
            problems.add(field + " " + Printable.of(n.asText()) + " is not an ISO-8601 duration such as PT10S");
            return null;
        }
    }

    private static int count(JsonNode body, String field, int fallback, int min, int max, List<String> problems) {
        return count(body, field, fallback, min, max, problems, "");
    }

    private static int count(JsonNode body, String field, int fallback, int min, int max, List<String> problems,
                             String at) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        // The run config gives every value as text; a JSON body gives numbers.
        String text = n.asText();
        try {
            int v = Integer.parseInt(text.trim());
            if (v < min || v > max) {
                problems.add(at + field + " must be " + min + ".." + max + ", was " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            problems.add(at + field + " " + Printable.of(text) + " is not a whole number");
            return fallback;
        }
    }

    private static void unknownFields(String at, JsonNode node, Set<String> known, List<String> problems) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                problems.add(at + Printable.of(f) + " is not a field of a failover declaration (known: "
                        + known.stream().sorted().toList() + ")");
            }
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode n = node.get(field);
        return n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
    }

    public FailoverName {
        Objects.requireNonNull(name, "name");
    }
}
