package dev.elephant.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.elephant.app.queries.StateQueries;
import dev.elephant.events.Json;
import dev.elephant.topology.common.TopologyConfig;
import dev.elephant.topology.instances.InstanceState;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.streams.state.HostInfo;

/**
 * {@code GET /v1/records?after=NAME&limit=N}: every record Elephant wants to exist, in the order of their names, a page
 * at a time (the next page starts after the {@code next} the answer names; {@code next} is null on the last page).
 * Each instance holds part of the table: the instance asked collects the page from all of them (they answer from their
 * own part when asked by a peer) and answers {@code 503} rather than a page with a part missing, so a reader such as
 * {@code elephant hosts} never takes an incomplete list for the whole.
 */
final class RecordsHandler implements HttpHandler {

    static final int DEFAULT_LIMIT = 1000;
    static final int MAX_LIMIT = 2000;

    private final StateQueries queries;
    private final TopologyConfig config;
    private final QueryForwarder peers;

    RecordsHandler(StateQueries queries, TopologyConfig config, QueryForwarder peers) {
        this.queries = queries;
        this.config = config;
        this.peers = peers;
    }

    /** One record as the listing shows it. */
    record Item(String name, String type, String content, int ttl, String instanceId, String publicIp,
                String privateIp, String status) {}

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                Responses.error(exchange, 405, "method-not-allowed", "use GET");
                return;
            }
            if (!exchange.getRequestURI().getPath().equals("/v1/records")) {
                Responses.error(exchange, 404, "not-found", "no such resource");
                return;
            }
            Map<String, String> params = params(exchange.getRequestURI().getRawQuery());
            String after = params.get("after");
            int limit;
            try {
                limit = params.containsKey("limit") ? Integer.parseInt(params.get("limit")) : DEFAULT_LIMIT;
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                Responses.error(exchange, 400, "bad-limit", "limit must be 1.." + MAX_LIMIT);
                return;
            }
            if (after != null && !after.toLowerCase(Locale.ROOT).endsWith("." + config.domain())) {
                Responses.error(exchange, 400, "bad-cursor", "after must be a record name under " + config.domain()
                        + ", as the last page's next gave it");
                return;
            }
            String afterId = after == null ? null : after.substring(0, after.indexOf('.'));
            try {
                List<Item> page = QueryForwarder.wasForwarded(exchange) ? local(afterId, limit)
                        : everywhere(after, afterId, limit);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("records", page);
                body.put("next", page.size() == limit ? page.get(page.size() - 1).name() : null);
                Responses.json(exchange, 200, body);
            } catch (StateQueries.StoreUnavailable e) {
                exchange.getResponseHeaders().set("Retry-After", "1");
                Responses.error(exchange, 503, "state-unavailable", e.getMessage());
            } catch (IOException e) {
                exchange.getResponseHeaders().set("Retry-After", "1");
                Responses.error(exchange, 503, "peer-unreachable", "part of the records is held by an instance that "
                        + "did not answer: " + e.getMessage());
            }
        }
    }

    private List<Item> local(String afterId, int limit) throws StateQueries.StoreUnavailable {
        List<Item> out = new ArrayList<>();
        for (InstanceState s : queries.localRecords(afterId, limit)) {
            out.add(new Item(s.recordName(), "A", s.recordContent(), config.ttl(), s.instanceId(), s.publicIp(),
                    s.privateIp(), s.recordStatus() == null ? null : s.recordStatus().name().toLowerCase(Locale.ROOT)));
        }
        return out;
    }

    private List<Item> everywhere(String after, String afterId, int limit)
            throws StateQueries.StoreUnavailable, IOException {
        List<Item> all = new ArrayList<>();
        for (HostInfo host : queries.instanceStateHosts()) {
            if (host.equals(queries.self())) {
                all.addAll(local(afterId, limit));
                continue;
            }
            String query = "/v1/records?limit=" + limit
                    + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
            JsonNode answer = Json.mapper().readTree(peers.fetch(host, query));
            for (JsonNode r : answer.path("records")) {
                all.add(Json.mapper().treeToValue(r, Item.class));
            }
        }
        all.sort(Comparator.comparing(Item::name));
        return all.size() > limit ? new ArrayList<>(all.subList(0, limit)) : all;
    }

    private static Map<String, String> params(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
