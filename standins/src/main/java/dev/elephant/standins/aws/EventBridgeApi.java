package dev.elephant.standins.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.elephant.events.Json;
import dev.elephant.standins.http.Exchanges;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * EventBridge's {@code PutEvents} over the AWS JSON 1.1 protocol ({@code X-Amz-Target: AWSEvents.…}),
 * as the AWS SDK v2 calls it. Source: Amazon EventBridge API Reference, PutEvents, and the user
 * guide's "Sending events with PutEvents": at most 10 entries; each answered in request order, with
 * an {@code EventId} or an {@code ErrorCode} and {@code ErrorMessage}; one failed entry does not stop
 * the others. The events put are kept for tests to read.
 */
final class EventBridgeApi {

    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final int MAX_ENTRIES = 10;
    private static final int MAX_REQUEST_BYTES = 256 * 1024;
    private final List<PutEvent> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger entriesToFail = new AtomicInteger();
    private final Clock clock;

    EventBridgeApi(Clock clock) {
        this.clock = clock;
    }

    List<PutEvent> events() {
        return List.copyOf(events);
    }

    /** The next {@code count} entries fail with {@code ThrottlingException}, as under a PutEvents quota. */
    void throttleEntries(int count) {
        entriesToFail.set(count);
    }

    void handle(HttpExchange exchange, String target) throws IOException {
        byte[] raw = Exchanges.readBody(exchange, 1 << 20);
        String operation = target.substring("AWSEvents.".length());
        if (!operation.equals("PutEvents")) {
            error(exchange, 400, "UnknownOperationException", "Unknown operation " + operation);
            return;
        }
        if (raw.length > MAX_REQUEST_BYTES) {
            error(exchange, 400, "ValidationException", "Total size of the entries in the request is over the limit.");
            return;
        }
        JsonNode entries = Json.mapper().readTree(raw).path("Entries");
        if (!entries.isArray() || entries.isEmpty() || entries.size() > MAX_ENTRIES) {
            error(exchange, 400, "ValidationException", "1 validation error detected: Value at 'entries' failed to "
                    + "satisfy constraint: Member must have length less than or equal to " + MAX_ENTRIES
                    + " and greater than or equal to 1");
            return;
        }
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode results = out.putArray("Entries");
        int failed = 0;
        for (JsonNode entry : entries) {
            String problem = problemWith(entry);
            ObjectNode result = results.addObject();
            if (problem == null && entriesToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                result.put("ErrorCode", "ThrottlingException").put("ErrorMessage", "Rate exceeded");
                failed++;
            } else if (problem != null) {
                result.put("ErrorCode", problem.substring(0, problem.indexOf(':')))
                        .put("ErrorMessage", problem.substring(problem.indexOf(':') + 2));
                failed++;
            } else {
                String id = UUID.randomUUID().toString();
                Instant time = entry.hasNonNull("Time")
                        ? Instant.ofEpochMilli((long) (entry.get("Time").asDouble() * 1000)) : clock.instant();
                events.add(new PutEvent(id, entry.path("EventBusName").asText("default"), entry.get("Source").asText(),
                        entry.get("DetailType").asText(), entry.get("Detail").asText(), time));
                result.put("EventId", id);
            }
        }
        out.put("FailedEntryCount", failed);
        Exchanges.respond(exchange, 200, CONTENT_TYPE, Json.toBytes(out));
    }

    private static String problemWith(JsonNode entry) {
        for (String field : new String[] {"Source", "DetailType", "Detail"}) {
            if (!entry.hasNonNull(field) || entry.get(field).asText().isEmpty()) {
                return "InvalidArgument: Parameter " + field + " is not valid. Reason: " + field + " is a required argument.";
            }
        }
        try {
            if (!Json.mapper().readTree(entry.get("Detail").asText()).isObject()) {
                return "MalformedDetail: Detail is malformed.";
            }
        } catch (IOException e) {
            return "MalformedDetail: Detail is malformed.";
        }
        if (entry.get("Detail").asText().getBytes(StandardCharsets.UTF_8).length > MAX_REQUEST_BYTES) {
            return "InvalidArgument: Parameter Detail is not valid. Reason: Detail is too large.";
        }
        return null;
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        ObjectNode out = Json.mapper().createObjectNode().put("__type", type).put("message", message);
        Exchanges.respond(exchange, status, CONTENT_TYPE, Json.toBytes(out));
    }
}
