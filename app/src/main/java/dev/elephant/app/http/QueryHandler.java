package dev.elephant.app.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.elephant.app.queries.StateQueries;
import dev.elephant.events.InstanceIds;
import dev.elephant.events.Json;
import dev.elephant.events.Printable;
import dev.elephant.topology.common.TopologyConfig;
import dev.elephant.topology.failover.FailoverState;
import dev.elephant.topology.instances.InstanceState;
import dev.elephant.topology.meetings.MeetingState;
import dev.elephant.topology.meetings.MeetingStatus;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /v1/instances/{id}}, {@code GET /v1/meetings/{id}}, {@code GET /v1/meetings/{id}/join?role=…} and
 * {@code GET /v1/failover/{name}},
 * answered from the materialized tables.
 */
final class QueryHandler implements HttpHandler {

    static final String NOT_READY_RETRY_AFTER_SECONDS = "2";
    private static final Pattern INSTANCE = Pattern.compile("/v1/instances/([^/]+)");
    private static final Pattern MEETING = Pattern.compile("/v1/meetings/([^/]+)");
    private static final Pattern JOIN = Pattern.compile("/v1/meetings/([^/]+)/join");
    private static final Pattern FAILOVER = Pattern.compile("/v1/failover/([^/]+)");
    private static final Pattern ROLE = Pattern.compile("(?:^|&)role=([^&]*)");

    private final StateQueries queries;
    private final TopologyConfig config;
    private final QueryForwarder forwarder;

    QueryHandler(StateQueries queries, TopologyConfig config, QueryForwarder forwarder) {
        this.queries = queries;
        this.config = config;
        this.forwarder = forwarder;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!Responses.readOnly(exchange)) {
                return;
            }
            String path = exchange.getRequestURI().getPath();
            try {
                Matcher m;
                if ((m = JOIN.matcher(path)).matches()) {
                    join(exchange, m.group(1), role(exchange.getRequestURI().getRawQuery()));
                } else if ((m = MEETING.matcher(path)).matches()) {
                    meeting(exchange, m.group(1));
                } else if ((m = INSTANCE.matcher(path)).matches()) {
                    instance(exchange, m.group(1));
                } else if ((m = FAILOVER.matcher(path)).matches()) {
                    failover(exchange, m.group(1));
                } else {
                    Responses.error(exchange, 404, "not-found", "no such resource");
                }
            } catch (StateQueries.OwnedElsewhere e) {
                if (QueryForwarder.wasForwarded(exchange)) {
                    // The forwarding instance thought this one owned the key; ownership is moving.
                    exchange.getResponseHeaders().set("Retry-After", "1");
                    Responses.error(exchange, 503, "state-moving", e.getMessage());
                } else {
                    forwarder.forward(exchange, e.owner());
                }
            } catch (StateQueries.StoreUnavailable e) {
                exchange.getResponseHeaders().set("Retry-After", "1");
                Responses.error(exchange, 503, "state-unavailable", e.getMessage());
            }
        }
    }

    private void instance(HttpExchange exchange, String id) throws IOException, StateQueries.StoreUnavailable {
        if (!InstanceIds.isValid(id)) {
            Responses.error(exchange, 404, "unknown-instance", "not an instance id: " + Printable.of(id));
            return;
        }
        Optional<InstanceState> found = queries.instance(id);
        if (found.isEmpty()) {
            Responses.error(exchange, 404, "unknown-instance", "Elephant has no event for " + id);
            return;
        }
        InstanceState s = found.get();
        ObjectNode body = Json.mapper().createObjectNode()
                .put("instanceId", s.instanceId())
                .put("source", s.source())
                .put("state", s.state())
                .put("stateTime", s.stateTime().toString())
                .put("publicIp", s.publicIp())
                .put("privateIp", s.privateIp())
                .put("meetingId", s.meetingId(config))
                .put("role", s.role(config))
                .put("causeId", s.causeId());
        if (s.isEcs()) {
            body.put("desiredStatus", s.desiredStatus()).put("version", s.version());
        }
        body.set("tags", Json.mapper().valueToTree(new TreeMap<>(s.tags())));
        body.putObject("record")
                .put("name", s.recordName())
                .put("content", s.recordContent())
                .put("status", s.recordStatus().name().toLowerCase(java.util.Locale.ROOT));
        Responses.json(exchange, 200, body);
    }

    private void failover(HttpExchange exchange, String name) throws IOException, StateQueries.StoreUnavailable {
        Optional<FailoverState> found = queries.failover(name);
        if (found.isEmpty()) {
            Responses.error(exchange, 404, "unknown-failover-name", "no failover name " + Printable.of(name)
                    + " is declared");
            return;
        }
        Responses.json(exchange, 200, FailoverView.of(found.get(), config.domain()));
    }

    private void meeting(HttpExchange exchange, String id) throws IOException, StateQueries.StoreUnavailable {
        Optional<MeetingState> found = queries.meeting(id);
        if (found.isEmpty()) {
            Responses.error(exchange, 404, "unknown-meeting", "Elephant knows no meeting " + Printable.of(id));
            return;
        }
        Responses.json(exchange, 200, MeetingView.of(found.get(), config));
    }

    private void join(HttpExchange exchange, String id, String role) throws IOException, StateQueries.StoreUnavailable {
        Optional<MeetingState> found = queries.meeting(id);
        if (found.isEmpty() || found.get().status() == MeetingStatus.UNSCHEDULED) {
            Responses.error(exchange, 404, "unknown-meeting", "no meeting " + Printable.of(id) + " is scheduled");
            return;
        }
        MeetingState m = found.get();
        if (role == null || !m.roles().contains(role)) {
            Responses.error(exchange, 404, "unknown-role", "meeting " + id + " has no role " + Printable.of(role)
                    + "; its roles are " + m.roles());
            return;
        }
        if (m.status() == MeetingStatus.ENDED || m.status() == MeetingStatus.CANCELLED) {
            Responses.error(exchange, 410, "meeting-over", "meeting " + id + " is " + m.status().wireName());
            return;
        }
        Map<String, String> links = m.readyLinks();
        if (links == null) {
            exchange.getResponseHeaders().set("Retry-After", NOT_READY_RETRY_AFTER_SECONDS);
            Responses.error(exchange, 425, "not-ready", "meeting " + id + " is " + m.status().wireName()
                    + ": not every role has a confirmed DNS record yet");
            return;
        }
        exchange.getResponseHeaders().set("Location", links.get(role));
        Responses.error(exchange, 302, "redirect", links.get(role));
    }

    private static String role(String rawQuery) {
        if (rawQuery == null) {
            return null;
        }
        Matcher m = ROLE.matcher(rawQuery);
        return m.find() ? java.net.URLDecoder.decode(m.group(1), java.nio.charset.StandardCharsets.UTF_8) : null;
    }
}
