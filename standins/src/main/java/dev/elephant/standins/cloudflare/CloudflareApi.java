package dev.elephant.standins.cloudflare;

import dev.elephant.standins.http.FaultPlan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.elephant.events.Json;
import dev.elephant.standins.http.Exchanges;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Cloudflare v4 DNS records API under {@code /client/v4}, for one zone: list (filters, pages),
 * create, patch, put, delete, the JSON envelope {@code {success, errors, messages, result, result_info}},
 * bearer-token auth and the rate limit (HTTP 429, code 971, Retry-After).
 *
 * <p>Source: Cloudflare API v4 documentation, "DNS Records for a Zone" and "Rate limits"
 * (1,200 requests per five minutes per user; over it, calls are blocked with HTTP 429).
 */
final class CloudflareApi implements HttpHandler {

    static final int CODE_AUTH = 10000;
    static final int CODE_RATE_LIMITED = 971;
    static final int CODE_ROUTE = 7003;
    private static final int MAX_BODY = 1 << 20;
    private static final Pattern BATCH = Pattern.compile("/client/v4/zones/([^/]+)/dns_records/batch/?");
    private static final Pattern RECORDS = Pattern.compile("/client/v4/zones/([^/]+)/dns_records/?");
    private static final Pattern RECORD = Pattern.compile("/client/v4/zones/([^/]+)/dns_records/([^/]+)/?");

    private final Zone zone;
    private volatile byte[] token;
    private final Clock clock;
    private final int rateLimit;
    private final int maxBatchOperations;
    private final long rateWindowMillis;
    private final Deque<Long> recentRequests = new ArrayDeque<>();
    private long blockedUntil = Long.MIN_VALUE;
    private volatile FaultPlan faultPlan;
    private volatile Runnable beforeAnsweringAWrite;
    private final Map<FaultPlan.Fault, Long> faultCounts = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong rateLimitRefusals = new java.util.concurrent.atomic.AtomicLong();
    private final ThreadLocal<Boolean> swallowAnswer = ThreadLocal.withInitial(() -> false);
    private final Deque<Integer> injectedFaults = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<LoggedRequest> requestLog = new ConcurrentLinkedQueue<>();
    /** How many records the request being answered changed (a batch changes several). */
    private final ThreadLocal<Integer> changesInThisRequest = ThreadLocal.withInitial(() -> 0);
    /** Whether the request being answered is on the log yet: it goes there before its answer leaves. */
    private final ThreadLocal<Boolean> loggedThisRequest = ThreadLocal.withInitial(() -> false);

    CloudflareApi(Zone zone, String token, Clock clock, int rateLimit, long rateWindowMillis, int maxBatchOperations) {
        this.maxBatchOperations = maxBatchOperations;
        this.zone = zone;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
        this.rateLimit = rateLimit;
        this.rateWindowMillis = rateWindowMillis;
    }

    /** One request the stand-in answered: what a test checks the audit trail against. */
    record LoggedRequest(Instant time, String method, String path, int status, int changesApplied) {
        boolean isWrite() {
            return !method.equals("GET");
        }
    }

    List<LoggedRequest> requestLog() {
        return List.copyOf(new ArrayList<>(requestLog));
    }

    /** The next {@code times} requests are answered with {@code status} before anything else happens. */
    synchronized void injectFault(int status, int times) {
        for (int i = 0; i < times; i++) {
            injectedFaults.add(status);
        }
    }

    private volatile long latencyMillis;

    /** Every request is answered {@code millis} later than it would be: a provider farther away than localhost. */
    void latency(long millis) {
        this.latencyMillis = millis;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long latency = latencyMillis;
        if (latency > 0) {
            try {
                Thread.sleep(latency);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        int status;
        changesInThisRequest.set(0);
        loggedThisRequest.set(false);
        FaultPlan plan = faultPlan;
        FaultPlan.Fault fault = plan == null ? FaultPlan.Fault.NONE : plan.next();
        faultCounts.merge(fault, 1L, Long::sum);
        if (fault != FaultPlan.Fault.NONE && fault != FaultPlan.Fault.APPLIED_THEN_RESET) {
            injectFaultNow(exchange, method, path, fault, plan);
            return;
        }
        try {
            swallowAnswer.set(fault == FaultPlan.Fault.APPLIED_THEN_RESET);
            status = route(exchange, method, path);
            if (swallowAnswer.get()) {
                // Applied, and the connection drops before the answer: the caller cannot tell it happened.
                log(exchange, status);
                exchange.close();
                return;
            }
        } catch (CloudflareError e) {
            status = e.status();
            if (e.code() == CODE_RATE_LIMITED && !exchange.getResponseHeaders().containsKey("Retry-After")) {
                exchange.getResponseHeaders().set("Retry-After", String.valueOf(rateWindowMillis / 1000)); // injected
            }
            ObjectNode failure = failure(e.code(), e.getMessage());
            if (e.causeCode() != 0) {
                ((ObjectNode) failure.get("errors").get(0)).putArray("error_chain").addObject()
                        .put("code", e.causeCode()).put("message", e.causeMessage());
            }
            respond(exchange, e.status(), failure);
        } catch (IOException | RuntimeException e) {
            status = 400;
            respond(exchange, 400, failure(6007, "Malformed JSON in request body"));
        } finally {
            swallowAnswer.set(false);
        }
        log(exchange, status);
    }

    /**
     * Puts the request on the log once, before its answer leaves: whoever reads the log after the
     * answer arrived (a test counting the changes the provider made) finds the request there.
     */
    private void log(HttpExchange exchange, int status) {
        if (!loggedThisRequest.get()) {
            loggedThisRequest.set(true);
            requestLog.add(new LoggedRequest(clock.instant(), exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(), status, status < 300 ? changesInThisRequest.get() : 0));
        }
    }

    private int route(HttpExchange exchange, String method, String path) throws IOException {
        Integer fault = nextFault();
        if (fault != null) {
            throw new CloudflareError(fault, fault == 429 ? CODE_RATE_LIMITED : 10001, "injected fault");
        }
        authenticate(exchange);
        countAgainstRateLimit(exchange);
        Matcher batch = BATCH.matcher(path);
        if (batch.matches()) {
            requireZone(batch.group(1));
            if (!"POST".equals(method)) {
                throw new CloudflareError(405, CODE_ROUTE, "Method not allowed");
            }
            return ok(exchange, batch(Json.mapper().readTree(Exchanges.readBody(exchange, MAX_BODY))));
        }
        Matcher one = RECORD.matcher(path);
        Matcher all = RECORDS.matcher(path);
        if (one.matches()) {
            requireZone(one.group(1));
            String id = one.group(2);
            return switch (method) {
                case "GET" -> ok(exchange, record(zone.get(id).orElseThrow(
                        () -> new CloudflareError(404, Zone.CODE_RECORD_NOT_FOUND, "Record does not exist."))));
                case "PATCH" -> ok(exchange, record(changed(zone.patch(id, fields(exchange)))));
                case "PUT" -> ok(exchange, record(changed(zone.overwrite(id, fields(exchange)))));
                case "DELETE" -> {
                    zone.delete(id);
                    changesInThisRequest.set(1);
                    yield ok(exchange, Json.mapper().createObjectNode().put("id", id));
                }
                default -> throw new CloudflareError(405, CODE_ROUTE, "Method not allowed");
            };
        }
        if (all.matches()) {
            requireZone(all.group(1));
            return switch (method) {
                case "GET" -> list(exchange);
                case "POST" -> ok(exchange, record(changed(zone.create(fields(exchange)))));
                default -> throw new CloudflareError(405, CODE_ROUTE, "Method not allowed");
            };
        }
        throw new CloudflareError(404, CODE_ROUTE, "Could not route to " + path
                + ", perhaps your object identifier is invalid?");
    }

    private JsonNode batch(JsonNode body) throws IOException {
        if (body == null || !body.isObject()) {
            throw new IOException("body is not a JSON object");
        }
        List<String> deletes = new ArrayList<>();
        for (JsonNode d : body.path("deletes")) {
            deletes.add(d.path("id").asText());
        }
        List<Map.Entry<String, Zone.RecordFields>> patches = new ArrayList<>();
        for (JsonNode p : body.path("patches")) {
            patches.add(Map.entry(p.path("id").asText(), fields(p)));
        }
        List<Map.Entry<String, Zone.RecordFields>> puts = new ArrayList<>();
        for (JsonNode p : body.path("puts")) {
            puts.add(Map.entry(p.path("id").asText(), fields(p)));
        }
        List<Zone.RecordFields> posts = new ArrayList<>();
        for (JsonNode p : body.path("posts")) {
            posts.add(fields(p));
        }
        Zone.BatchResult r = zone.batch(new Zone.Batch(deletes, patches, puts, posts), maxBatchOperations);
        changesInThisRequest.set(deletes.size() + patches.size() + puts.size() + posts.size());
        ObjectNode result = Json.mapper().createObjectNode();
        ArrayNode d = result.putArray("deletes");
        r.deletes().forEach(x -> d.add(record(x)));
        ArrayNode pa = result.putArray("patches");
        r.patches().forEach(x -> pa.add(record(x)));
        ArrayNode pu = result.putArray("puts");
        r.puts().forEach(x -> pu.add(record(x)));
        ArrayNode po = result.putArray("posts");
        r.posts().forEach(x -> po.add(record(x)));
        return result;
    }

    /** Counts one changed record for the request being answered. */
    private DnsRecord changed(DnsRecord r) {
        changesInThisRequest.set(1);
        return r;
    }

    private synchronized Integer nextFault() {
        return injectedFaults.poll();
    }

    private void authenticate(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        byte[] presented = header != null && header.startsWith("Bearer ")
                ? header.substring(7).getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(presented, token)) {
            throw new CloudflareError(403, CODE_AUTH, "Authentication error");
        }
    }

    /**
     * Counts the request against the token's limit and says where it stands in the headers Cloudflare
     * always returns: {@code Ratelimit: "default";r=REMAINING;t=SECONDS-TO-RESET} and
     * {@code Ratelimit-Policy: "default";q=LIMIT;w=WINDOW}. Going over the limit blocks every call
     * for the next five minutes (the window's length), each answered 429 with {@code Retry-After}.
     */
    private synchronized void countAgainstRateLimit(HttpExchange exchange) {
        long now = clock.millis();
        while (!recentRequests.isEmpty() && recentRequests.peekFirst() <= now - rateWindowMillis) {
            recentRequests.pollFirst();
        }
        boolean blocked = now < blockedUntil;
        if (!blocked && recentRequests.size() >= rateLimit) {
            blockedUntil = now + rateWindowMillis;
            blocked = true;
        }
        if (!blocked) {
            recentRequests.addLast(now);
        }
        long resetMillis = blocked ? blockedUntil - now
                : recentRequests.isEmpty() ? rateWindowMillis : recentRequests.peekFirst() + rateWindowMillis - now;
        long resetSeconds = (resetMillis + 999) / 1000;
        int remaining = blocked ? 0 : rateLimit - recentRequests.size();
        exchange.getResponseHeaders().set("Ratelimit", "\"default\";r=" + remaining + ";t=" + resetSeconds);
        exchange.getResponseHeaders().set("Ratelimit-Policy", "\"default\";q=" + rateLimit + ";w="
                + rateWindowMillis / 1000);
        if (blocked) {
            rateLimitRefusals.incrementAndGet();
            exchange.getResponseHeaders().set("Retry-After", String.valueOf(resetSeconds));
            throw new CloudflareError(429, CODE_RATE_LIMITED, "You have exceeded your allowed rate limit.");
        }
    }

    /** The token is rotated: from now on only {@code newToken} is accepted. */
    void rotateToken(String newToken) {
        token = newToken.getBytes(StandardCharsets.UTF_8);
    }

    /** True while the token is blocked for having gone over the limit. */
    synchronized boolean isBlocked() {
        return clock.millis() < blockedUntil;
    }

    private void requireZone(String zoneId) {
        if (!zone.id().equals(zoneId)) {
            throw new CloudflareError(404, CODE_ROUTE, "Could not route to /zones/" + zoneId
                    + "/dns_records, perhaps your object identifier is invalid?");
        }
    }

    private int list(HttpExchange exchange) throws IOException {
        Map<String, String> q = Exchanges.parseForm(exchange.getRequestURI().getRawQuery());
        Predicate<DnsRecord> filter = r -> true;
        String name = q.containsKey("name.exact") ? q.get("name.exact") : q.get("name");
        if (name != null) {
            filter = filter.and(r -> r.name().equalsIgnoreCase(name));
        }
        if (q.containsKey("type")) {
            filter = filter.and(r -> r.type().equals(q.get("type")));
        }
        if (q.containsKey("content")) {
            filter = filter.and(r -> r.content().equals(q.get("content")));
        }
        if (q.containsKey("comment.exact")) {
            // Cloudflare matches comment filters case-insensitively.
            filter = filter.and(r -> r.comment() != null && r.comment().equalsIgnoreCase(q.get("comment.exact")));
        }
        int page = parseInt(q.get("page"), 1);
        int perPage = parseInt(q.get("per_page"), 100);
        if (page < 1 || perPage < 5 || perPage > 5_000_000) {
            throw new CloudflareError(400, Zone.CODE_VALIDATION, "page must be >= 1 and per_page within 5..5000000");
        }
        List<DnsRecord> matching = zone.list(filter);
        int from = (int) Math.min((long) (page - 1) * perPage, matching.size());
        int to = Math.min(from + perPage, matching.size());
        ArrayNode result = Json.mapper().createArrayNode();
        matching.subList(from, to).forEach(r -> result.add(record(r)));
        ObjectNode body = success(result);
        body.putObject("result_info")
                .put("page", page)
                .put("per_page", perPage)
                .put("count", to - from)
                .put("total_count", matching.size())
                .put("total_pages", (matching.size() + perPage - 1) / perPage);
        respond(exchange, 200, body);
        return 200;
    }

    private static int parseInt(String text, int otherwise) {
        if (text == null) {
            return otherwise;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new CloudflareError(400, Zone.CODE_VALIDATION, "not a number: " + text);
        }
    }

    private static Zone.RecordFields fields(HttpExchange exchange) throws IOException {
        JsonNode body = Json.mapper().readTree(Exchanges.readBody(exchange, MAX_BODY));
        if (body == null || !body.isObject()) {
            throw new IOException("body is not a JSON object");
        }
        return fields(body);
    }

    private static Zone.RecordFields fields(JsonNode body) {
        List<String> tags = null;
        if (body.has("tags")) {
            List<String> t = new ArrayList<>();
            body.get("tags").forEach(n -> t.add(n.asText()));
            tags = Collections.unmodifiableList(t);
        }
        return new Zone.RecordFields(text(body, "name"), text(body, "type"), text(body, "content"),
                body.has("ttl") ? body.get("ttl").asInt() : null,
                body.has("proxied") ? body.get("proxied").asBoolean() : null,
                text(body, "comment"), tags);
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private ObjectNode record(DnsRecord r) {
        ObjectNode n = Json.mapper().createObjectNode()
                .put("id", r.id())
                .put("zone_id", zone.id())
                .put("zone_name", zone.name())
                .put("name", r.name())
                .put("type", r.type())
                .put("content", r.content())
                .put("proxiable", List.of("A", "AAAA", "CNAME").contains(r.type()))
                .put("proxied", r.proxied())
                .put("ttl", r.ttl())
                .put("locked", false);
        if (r.comment() != null) {
            n.put("comment", r.comment());
        } else {
            n.putNull("comment");
        }
        ArrayNode tags = n.putArray("tags");
        r.tags().forEach(tags::add);
        n.putObject("meta").put("auto_added", false).put("source", "primary");
        n.put("created_on", r.createdOn().toString()).put("modified_on", r.modifiedOn().toString());
        return n;
    }

    private int ok(HttpExchange exchange, JsonNode result) throws IOException {
        Runnable hook = beforeAnsweringAWrite;
        if (hook != null && changesInThisRequest.get() > 0) {
            hook.run();
        }
        if (!swallowAnswer.get()) {
            try {
                respond(exchange, 200, success(result));
            } catch (IOException e) {
                // The caller went away (a crash test killed it): the writes stand and are counted; only the
                // answer is lost, which is the very case the caller's audit must settle.
                exchange.close();
            }
        }
        return 200;
    }

    /** Answers a request with the fault drawn for it, changing nothing. */
    private void injectFaultNow(HttpExchange exchange, String method, String path, FaultPlan.Fault fault,
                                FaultPlan plan) throws IOException {
        int status = 0;
        switch (fault) {
            case SERVER_ERROR -> {
                status = plan.serverErrorStatus();
                respond(exchange, status, failure(10001, "service unavailable (injected)"));
            }
            case RATE_LIMITED -> {
                status = 429;
                exchange.getResponseHeaders().set("Retry-After", "1");
                respond(exchange, 429, failure(CODE_RATE_LIMITED, "You have exceeded your allowed rate limit. (injected)"));
            }
            case TIMEOUT -> plan.holdThenDrop(exchange);
            default -> exchange.close(); // RESET: the connection drops, nothing was applied
        }
        log(exchange, status);
    }

    void beforeAnsweringAWrite(Runnable hook) {
        this.beforeAnsweringAWrite = hook;
    }

    /** From now on each request may meet a fault drawn from {@code plan}; null: no more random faults. */
    void faults(FaultPlan plan) {
        this.faultPlan = plan;
    }

    Map<FaultPlan.Fault, Long> faultCounts() {
        return Map.copyOf(faultCounts);
    }

    long rateLimitRefusals() {
        return rateLimitRefusals.get();
    }

    private static ObjectNode success(JsonNode result) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("success", true);
        body.putArray("errors");
        body.putArray("messages");
        body.set("result", result);
        return body;
    }

    private static ObjectNode failure(int code, String message) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("success", false);
        body.putArray("errors").addObject().put("code", code).put("message", Objects.toString(message));
        body.putArray("messages");
        body.putNull("result");
        return body;
    }

    private void respond(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        log(exchange, status);
        Exchanges.respond(exchange, status, "application/json", Json.toBytes(body));
    }
}
