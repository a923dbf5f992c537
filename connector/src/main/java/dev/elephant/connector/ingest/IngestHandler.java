package dev.elephant.connector.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.elephant.events.BoundedBody;
import dev.elephant.events.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Function;

/**
 * The HTTP side of an ingest endpoint: method, API key, body size, then the endpoint's own logic,
 * and the answer as JSON. Shared by {@code POST /v1/eventbridge}, {@code POST /v1/meetings}, {@code POST /v1/failover}
 * and {@code DELETE /v1/failover/{name}}.
 */
public final class IngestHandler implements HttpHandler {

    /** EventBridge's own limit for an event; anything larger did not come from it. */
    public static final int MAX_BODY_BYTES = 256 * 1024;
    /** How much of a refused body is read and thrown away so the answer reaches the client. */
    static final long MAX_DRAIN_BYTES = 4L * 1024 * 1024;
    /** How long a 503 asks the sender to wait; EventBridge honours Retry-After. */
    static final String RETRY_AFTER_SECONDS = "1";

    private final IngestAuth auth;
    private final String method;
    private final Endpoint endpoint;
    private final DeadLetters deadLetters;
    private final String source;
    private final RefusedCallers refused;

    /** An endpoint's own logic, given the request's path and body once method, key and size passed. */
    @FunctionalInterface
    public interface Endpoint {
        IngestResult apply(String path, byte[] body);
    }

    /** A {@code POST} endpoint whose logic needs the body only. */
    public IngestHandler(IngestAuth auth, Function<byte[], IngestResult> ingest, DeadLetters deadLetters,
                         String source, RefusedCallers refused) {
        this(auth, "POST", (path, body) -> ingest.apply(body), deadLetters, source, refused);
    }

    /** @param method the one method the endpoint takes ({@code POST}, {@code DELETE}) */
    public IngestHandler(IngestAuth auth, String method, Endpoint endpoint, DeadLetters deadLetters, String source,
                         RefusedCallers refused) {
        this.refused = refused;
        this.auth = auth;
        this.method = method;
        this.endpoint = endpoint;
        this.deadLetters = deadLetters;
        this.source = source;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            IngestResult result = decide(exchange);
            answer(exchange, result);
        }
    }

    private IngestResult decide(HttpExchange exchange) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null && isOver(declared)) {
            drain(exchange);
            return IngestResult.rejected(IngestReason.TOO_LARGE,
                    "body over " + MAX_BODY_BYTES + " bytes (EventBridge's event size limit)");
        }
        // Read (at most the limit) before any answer, so a client still sending is not cut off mid-body.
        BoundedBody.Read body;
        try (InputStream in = exchange.getRequestBody()) {
            body = BoundedBody.read(in, MAX_BODY_BYTES);
        }
        if (body.tooLarge()) {
            drain(exchange);
        }
        if (!method.equals(exchange.getRequestMethod())) {
            return IngestResult.rejected(IngestReason.METHOD_NOT_ALLOWED, "use " + method);
        }
        if (!auth.accepts(exchange.getRequestHeaders())) {
            // Unauthenticated input is not dead-lettered: it must not be able to fill Elephant's topics.
            String wrong = "missing or wrong " + auth.describe();
            refused.refused(source, wrong);
            return IngestResult.rejected(IngestReason.UNAUTHORIZED, wrong);
        }
        if (body.tooLarge()) {
            return deadLetters.reject(IngestReason.TOO_LARGE,
                    "body over " + MAX_BODY_BYTES + " bytes", source, null, body.bytes());
        }
        return endpoint.apply(exchange.getRequestURI().getPath(), body.bytes());
    }

    /**
     * Reads and discards what is left of a refused body, up to a bound, so the client gets to read the
     * answer: closing a socket with unread input resets the connection and loses the response. A
     * client sending more than the bound is cut off.
     */
    private static void drain(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            long left = MAX_DRAIN_BYTES;
            byte[] buffer = new byte[8192];
            int n;
            while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
                left -= n;
            }
        }
    }

    private static boolean isOver(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > MAX_BODY_BYTES;
        } catch (NumberFormatException e) {
            return false; // the body's real length decides
        }
    }

    private void answer(HttpExchange exchange, IngestResult result) throws IOException {
        ObjectNode json = Json.mapper().createObjectNode();
        IngestStatus status = result.status();
        json.put("status", status == IngestStatus.ACCEPTED ? "accepted"
                : status == IngestStatus.IGNORED ? "ignored" : "rejected");
        if (result.eventId() != null) {
            json.put("eventId", result.eventId());
        }
        if (result.reason() != null) {
            json.put("reason", result.reason().tag());
        }
        if (result.detail() != null) {
            json.put("detail", result.detail());
        }
        if (status == IngestStatus.UNAVAILABLE) {
            exchange.getResponseHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
        }
        if (status == IngestStatus.METHOD_NOT_ALLOWED) {
            exchange.getResponseHeaders().set("Allow", method);
        }
        byte[] bytes = Json.toBytes(json);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status.httpStatus(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
