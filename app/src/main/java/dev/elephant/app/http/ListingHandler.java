package dev.elephant.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.elephant.app.queries.StateQueries;
import dev.elephant.events.Json;
import dev.elephant.topology.common.TopologyConfig;
import dev.elephant.topology.failover.FailoverState;
import dev.elephant.topology.instances.InstanceState;
import dev.elephant.topology.meetings.MeetingState;
import java.io.IOException;
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
 * Listings of the instance-state table, a page at a time in the order of instance ids (so of record names); the next
 * page starts after the {@code next} the answer names, which is null on the last page:
 * <ul>
 *   <li>{@code GET /v1/records?after=NAME&limit=N}: every record Elephant wants to exist: the instances' and the
 *       failover names';</li>
 *   <li>{@code GET /v1/instances?after=ID&limit=N}: every instance Elephant holds (what the operations page shows);</li>
 *   <li>{@code GET /v1/meetings?after=ID&limit=N}: every meeting, as {@code GET /v1/meetings/{id}} shows one;</li>
 *   <li>{@code GET /v1/failover?after=NAME&limit=N}: every failover name, as {@code GET /v1/failover/{name}} shows
 *       one.</li>
 * </ul>
 * Each instance holds part of the table: the instance asked collects the page from all of them (they answer from their
 * own part when asked by a peer) and answers {@code 503} rather than a page with a part missing, so a reader such as
 * {@code elephant hosts} never takes an incomplete list for the whole.
 */
final class ListingHandler implements HttpHandler {

    static final int DEFAULT_LIMIT = 1000;
    static final int MAX_LIMIT = 2000;

    /** What is listed. */
    enum Kind {
        RECORDS("/v1/records", "records"), INSTANCES("/v1/instances", "instances"), MEETINGS("/v1/meetings", "meetings"),
        FAILOVER("/v1/failover", "failover");

        final String path;
        final String field;

        Kind(String path, String field) {
            this.path = path;
            this.field = field;
        }
    }

    private final Kind kind;
    private final StateQueries queries;
    private final TopologyConfig config;
    private final QueryForwarder peers;

    ListingHandler(Kind kind, StateQueries queries, TopologyConfig config, QueryForwarder peers) {
        this.kind = kind;
        this.queries = queries;
        this.config = config;
        this.peers = peers;
    }

    /** One record as the listing shows it. */
    record Item(String name, String type, String content, int ttl, String instanceId, String publicIp,
                String privateIp, String status) {}

    /** One instance as the listing shows it. */
    record InstanceItem(String instanceId, String source, String state, String stateTime, String publicIp,
                        String privateIp, String meetingId, String role, String recordName, String recordContent,
                        String recordStatus) {}

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!Responses.readOnly(exchange)) {
                return;
            }
            if (!exchange.getRequestURI().getPath().equals(kind.path)) {
                Responses.error(exchange, 404, "not-found", "no such resource");
                return;
            }
            Map<String, String> params = QueryParams.of(exchange.getRequestURI().getRawQuery());
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
            String afterId;
            if (kind != Kind.RECORDS) {
                afterId = after;
            } else if (after != null && !after.toLowerCase(Locale.ROOT).endsWith("." + config.domain())) {
                Responses.error(exchange, 400, "bad-cursor", "after must be a record name under " + config.domain()
                        + ", as the last page's next gave it");
                return;
            } else {
                afterId = after == null ? null : after.substring(0, after.indexOf('.'));
            }
            try {
                List<JsonNode> page = QueryForwarder.wasForwarded(exchange) ? local(afterId, limit)
                        : everywhere(after, afterId, limit);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put(kind.field, page);
                body.put("next", page.size() == limit ? cursorOf(page.get(page.size() - 1)) : null);
                Responses.json(exchange, 200, body);
            } catch (StateQueries.StoreUnavailable e) {
                exchange.getResponseHeaders().set("Retry-After", "1");
                Responses.error(exchange, 503, "state-unavailable", e.getMessage());
            } catch (IOException e) {
                exchange.getResponseHeaders().set("Retry-After", "1");
                Responses.error(exchange, 503, "peer-unreachable", "part of the " + kind.field + " is held by an "
                        + "instance that did not answer: " + e.getMessage());
            }
        }
    }

    private String cursorOf(JsonNode item) {
        return item.path(switch (kind) {
            case RECORDS, FAILOVER -> "name";
            case INSTANCES -> "instanceId";
            case MEETINGS -> "meetingId";
        }).asText();
    }

    /**
     * The order of a listing: its stores' key order. A record is ordered by its label (the key of the instance or
     * failover name it belongs to), not its full name: "db-2.x" sorts before "db.x", "db" before "db-2".
     */
    private String orderOf(JsonNode item) {
        String cursor = cursorOf(item);
        return kind == Kind.RECORDS ? cursor.substring(0, cursor.indexOf('.') < 0 ? cursor.length() : cursor.indexOf('.'))
                : cursor;
    }

    private List<JsonNode> local(String afterId, int limit) throws StateQueries.StoreUnavailable {
        List<JsonNode> out = new ArrayList<>();
        if (kind == Kind.MEETINGS) {
            for (MeetingState m : queries.localMeetings(afterId, limit)) {
                out.add(MeetingView.of(m, config));
            }
            return out;
        }
        if (kind == Kind.FAILOVER) {
            for (FailoverState f : queries.localFailover(afterId, limit)) {
                out.add(FailoverView.of(f, config.domain()));
            }
            return out;
        }
        if (kind == Kind.RECORDS) {
            // The failover names' records beside the instances', merged in label order below.
            for (FailoverState f : queries.localFailover(afterId, limit)) {
                if (f.content() != null) {
                    out.add(Json.mapper().valueToTree(new Item(f.declaration().recordName(config.domain()), "A",
                            f.content(), f.declaration().ttl(), null, null, null, null)));
                }
            }
        }
        List<InstanceState> states = kind == Kind.RECORDS ? queries.localRecords(afterId, limit)
                : queries.localInstances(afterId, limit, st -> true);
        for (InstanceState s : states) {
            String status = s.recordStatus() == null ? null : s.recordStatus().name().toLowerCase(Locale.ROOT);
            Object item = kind == Kind.RECORDS
                    ? new Item(s.recordName(), "A", s.recordContent(), config.ttl(), s.instanceId(), s.publicIp(),
                            s.privateIp(), status)
                    : new InstanceItem(s.instanceId(), s.source(), s.state(),
                            s.stateTime() == null ? null : s.stateTime().toString(), s.publicIp(), s.privateIp(),
                            s.meetingId(config), s.role(config), s.recordName(), s.recordContent(), status);
            out.add(Json.mapper().valueToTree(item));
        }
        return firstInOrder(out, limit);
    }

    /** The first {@code limit} of {@code items} in the listing's order. */
    private List<JsonNode> firstInOrder(List<JsonNode> items, int limit) {
        items.sort(Comparator.comparing(this::orderOf));
        return items.size() > limit ? new ArrayList<>(items.subList(0, limit)) : items;
    }

    /**
     * The instances holding the listed tables' partitions: meetings are kept in meeting-state, failover names in
     * failover-state, records in instance-state and failover-state (every instance runs the whole topology, so
     * those are the same instances).
     */
    private List<HostInfo> hosts() throws StateQueries.StoreUnavailable {
        return switch (kind) {
            case MEETINGS -> queries.meetingStateHosts();
            case FAILOVER -> queries.failoverStateHosts();
            case RECORDS, INSTANCES -> queries.instanceStateHosts();
        };
    }

    private List<JsonNode> everywhere(String after, String afterId, int limit)
            throws StateQueries.StoreUnavailable, IOException {
        List<JsonNode> all = new ArrayList<>();
        for (HostInfo host : hosts()) {
            if (host.equals(queries.self())) {
                all.addAll(local(afterId, limit));
                continue;
            }
            String query = kind.path + "?limit=" + limit
                    + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
            Json.mapper().readTree(peers.fetch(host, query)).path(kind.field).forEach(all::add);
        }
        return firstInOrder(all, limit);
    }
}
