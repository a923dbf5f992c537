package dev.elephant.sinks.dns.cloudflare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elephant.events.Json;
import dev.elephant.events.Secret;
import dev.elephant.sinks.dns.provider.DnsProvider;
import dev.elephant.sinks.dns.provider.ProviderException;
import dev.elephant.sinks.dns.provider.ProviderRecord;
import dev.elephant.sinks.dns.provider.RecordBatch;
import dev.elephant.sinks.dns.provider.RecordSpec;
import dev.elephant.sinks.dns.ratelimit.BudgetInterceptor;
import dev.elephant.sinks.dns.ratelimit.RequestBudget;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The Cloudflare v4 DNS records API through OkHttp: list by name (all pages), create, patch, delete.
 * Errors are classified from the HTTP status and Cloudflare's error codes; the token is sent in the
 * Authorization header and nowhere else.
 */
public final class CloudflareProvider implements DnsProvider {

    public static final String NAME = "cloudflare";
    private static final MediaType JSON = MediaType.get("application/json");
    /** Large pages: each page is one request against the rate limit. */
    public static final int DEFAULT_PAGE_SIZE = 1000;
    private static final int CODE_RECORD_EXISTS = 81057;
    private static final int CODE_IDENTICAL_EXISTS = 81058;
    private static final int CODE_RECORD_NOT_FOUND = 81044;
    /** "Record quota exceeded.": the zone holds as many records as its plan allows. */
    private static final int CODE_RECORD_QUOTA = 81045;
    /** "Authentication error" and "Invalid request headers" (a malformed or revoked token). */
    private static final int CODE_AUTH = 10000;
    private static final int CODE_AUTH_HEADER = 9109;

    private final RequestBudget budget;
    private final OkHttpClient http;
    private final HttpUrl records;
    private final CloudflareToken token;
    private final List<String> recordTags;
    private final int pageSize;

    /** Without a client-side rate limit; for tests that look at one call at a time. */
    public CloudflareProvider(String apiBaseUrl, String zoneId, Secret token) {
        this(apiBaseUrl, zoneId, CloudflareToken.fixed(token), DEFAULT_PAGE_SIZE, null);
    }

    public CloudflareProvider(String apiBaseUrl, String zoneId, Secret token, int pageSize, RequestBudget budget) {
        this(apiBaseUrl, zoneId, CloudflareToken.fixed(token), pageSize, budget);
    }

    /** @param budget every request (each page too) is spent from it; null for none */
    public CloudflareProvider(String apiBaseUrl, String zoneId, CloudflareToken token, int pageSize,
                              RequestBudget budget) {
        this(apiBaseUrl, zoneId, token, pageSize, budget, List.of());
    }

    /** @param recordTags tags put on every record written (paid plans only; the Free plan refuses any) */
    public CloudflareProvider(String apiBaseUrl, String zoneId, CloudflareToken token, int pageSize,
                              RequestBudget budget, List<String> recordTags) {
        this.recordTags = List.copyOf(recordTags);
        this.pageSize = pageSize;
        this.budget = budget;
        HttpUrl base = HttpUrl.parse(apiBaseUrl);
        if (base == null) {
            throw new IllegalArgumentException("Cloudflare API base URL is not a URL: " + apiBaseUrl);
        }
        this.records = base.newBuilder().addPathSegment("zones").addPathSegment(zoneId).addPathSegment("dns_records").build();
        this.token = token;
        OkHttpClient.Builder client = new OkHttpClient.Builder();
        if (budget != null) {
            client.addInterceptor(new BudgetInterceptor(budget));
        }
        this.http = client
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(10))
                .callTimeout(Duration.ofSeconds(15))
                .retryOnConnectionFailure(false) // retries are the executor's decision, with backoff
                .build();
    }

    @Override
    public Duration untilNextRequest() {
        return budget == null ? Duration.ZERO : budget.untilNextGrant();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ProviderRecord> recordsAt(String name) throws ProviderException {
        return list("name", name);
    }

    /**
     * The mark is the record's comment: the {@code comment.exact} filter (unlike tags) works on every Cloudflare
     * plan.
     */
    @Override
    public List<ProviderRecord> recordsMarked(String mark) throws ProviderException {
        return list("comment.exact", mark);
    }

    private List<ProviderRecord> list(String filter, String value) throws ProviderException {
        List<ProviderRecord> found = new ArrayList<>();
        int page = 1;
        int totalPages;
        do {
            HttpUrl url = records.newBuilder().addQueryParameter(filter, value)
                    .addQueryParameter("page", String.valueOf(page))
                    .addQueryParameter("per_page", String.valueOf(pageSize)).build();
            JsonNode body = call("list", request(url).get().build());
            if (!body.get("result").isArray()) {
                throw new ProviderException(ProviderException.Kind.RETRYABLE,
                        "Cloudflare list: the answer's result is not a list", null, null);
            }
            for (JsonNode r : body.get("result")) {
                found.add(toRecord(r));
            }
            JsonNode info = body.get("result_info");
            totalPages = info == null ? 1 : info.path("total_pages").asInt(1);
            page++;
        } while (page <= totalPages);
        return found;
    }

    /** {@code POST /dns_records/batch}: one request, one transaction at Cloudflare. */
    @Override
    public RecordBatch.Result batch(RecordBatch batch) throws ProviderException {
        ObjectNode body = Json.mapper().createObjectNode();
        ArrayNode deletes = body.putArray("deletes");
        batch.deletes().forEach(r -> deletes.addObject().put("id", r.id()));
        ArrayNode patches = body.putArray("patches");
        batch.patches().forEach(p -> patches.add(fields(p.spec()).put("id", p.existing().id())));
        ArrayNode posts = body.putArray("posts");
        batch.posts().forEach(spec -> posts.add(fields(spec)));
        HttpUrl url = records.newBuilder().addPathSegment("batch").build();
        JsonNode result = call("batch", request(url).post(RequestBody.create(Json.toBytes(body), JSON)).build())
                .get("result");
        List<ProviderRecord> patched = new ArrayList<>();
        result.path("patches").forEach(r -> patched.add(toRecord(r)));
        List<ProviderRecord> posted = new ArrayList<>();
        result.path("posts").forEach(r -> posted.add(toRecord(r)));
        if (patched.size() != batch.patches().size() || posted.size() != batch.posts().size()) {
            // Applied (Cloudflare said so), but which record is which cannot be told: settle by looking.
            throw ProviderException.outcomeUnknown("Cloudflare batch: the answer lists " + patched.size() + " patch(es) and "
                    + posted.size() + " post(s) for " + batch.patches().size() + " and " + batch.posts().size()
                    + " sent", null);
        }
        return new RecordBatch.Result(patched, posted);
    }

    private Request.Builder request(HttpUrl url) {
        return new Request.Builder().url(url);
    }

    private ObjectNode fields(RecordSpec spec) {
        ObjectNode fields = Json.mapper().createObjectNode()
                .put("type", spec.type())
                .put("name", spec.name())
                .put("content", spec.content())
                .put("ttl", spec.ttl())
                .put("proxied", false)
                .put("comment", spec.mark());
        if (!recordTags.isEmpty()) {
            ArrayNode tags = fields.putArray("tags");
            recordTags.forEach(tags::add);
        }
        return fields;
    }

    private JsonNode call(String operation, Request request) throws ProviderException {
        try {
            return send(operation, request);
        } catch (ProviderException e) {
            // A refused token may have been rotated in the secret store: read it again, try once more.
            if (e.isAuthFailure() && token.reread()) {
                return send(operation, request);
            }
            throw e;
        }
    }

    private JsonNode send(String operation, Request request) throws ProviderException {
        Request authorized = request.newBuilder().header("Authorization", "Bearer " + token.current().reveal()).build();
        try (Response response = http.newCall(authorized).execute()) {
            ResponseBody rb = response.body();
            String text = rb == null ? "" : rb.string();
            JsonNode body = parse(text);
            if (response.isSuccessful() && body != null && body.path("success").asBoolean(false)
                    && body.path("result").isContainerNode()) {
                return body;
            }
            if (response.isSuccessful() && (body == null || !body.path("errors").isArray()
                    || body.path("errors").isEmpty())) {
                // 2xx without a readable envelope: a write may have been carried out, its answer is unusable.
                return throwUnanswered(operation, request, "HTTP " + response.code()
                        + " with a body that is not a Cloudflare answer (" + text.length() + " bytes)", null);
            }
            throw classify(operation, response, body);
        } catch (IOException e) {
            // No answer: a write may have been carried out all the same.
            return throwUnanswered(operation, request, e.getClass().getSimpleName(), e);
        }
    }

    /** @param why what came instead of an answer: the exception's kind, or what was wrong with the body */
    private static JsonNode throwUnanswered(String operation, Request request, String why, IOException e)
            throws ProviderException {
        String what = "Cloudflare " + operation + ": no answer (" + why + ")";
        if ("GET".equals(request.method())) {
            throw new ProviderException(ProviderException.Kind.RETRYABLE, what, null, e);
        }
        throw ProviderException.outcomeUnknown(what, e);
    }

    private static JsonNode parse(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    private static ProviderException classify(String operation, Response response, JsonNode body) {
        int status = response.code();
        int code = 0;
        String message = "";
        if (body != null && body.path("errors").size() > 0) {
            JsonNode first = body.path("errors").get(0);
            code = first.path("code").asInt();
            message = first.path("message").asText();
            // 1004 "DNS Validation Error" says little; its error_chain says what (e.g. 9300, too many tags).
            for (JsonNode cause : first.path("error_chain")) {
                message += "; " + cause.path("code").asInt() + " " + cause.path("message").asText();
            }
        }
        String what = "Cloudflare " + operation + " answered HTTP " + status + (code != 0 ? " code " + code : "")
                + (message.isEmpty() ? "" : ": " + message);
        if (status == 429 || status >= 500) {
            return new ProviderException(ProviderException.Kind.RETRYABLE, what, retryAfter(response), null);
        }
        if (code == CODE_RECORD_EXISTS || code == CODE_IDENTICAL_EXISTS || code == CODE_RECORD_NOT_FOUND) {
            return new ProviderException(ProviderException.Kind.ALREADY_DONE, what, null, null);
        }
        if (status == 401 || status == 403 || code == CODE_AUTH || code == CODE_AUTH_HEADER) {
            return new ProviderException(ProviderException.Kind.BLOCKED, what, null, null, true);
        }
        if (code == CODE_RECORD_QUOTA) {
            return new ProviderException(ProviderException.Kind.BLOCKED, what, null, null);
        }
        return new ProviderException(ProviderException.Kind.PERMANENT, what, null, null);
    }

    private static Duration retryAfter(Response response) {
        String header = response.header("Retry-After");
        if (header == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static ProviderRecord toRecord(JsonNode r) {
        JsonNode comment = r.get("comment");
        return new ProviderRecord(r.path("id").asText(), r.path("name").asText(), r.path("type").asText(),
                r.path("content").asText(), r.path("ttl").asInt(1),
                comment == null || comment.isNull() ? null : comment.asText());
    }
}
