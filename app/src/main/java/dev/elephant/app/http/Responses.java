package dev.elephant.app.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.elephant.events.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writing answers of the HTTP API. */
final class Responses {

    private Responses() {}

    /** The read-only endpoints' rule: anything but a GET is answered 405 here. True when the request is a GET. */
    static boolean readOnly(HttpExchange exchange) throws IOException {
        if ("GET".equals(exchange.getRequestMethod())) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "GET");
        error(exchange, 405, "method-not-allowed", "use GET");
        return false;
    }

    static void json(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json", Json.toBytes(body));
    }

    static void error(HttpExchange exchange, int status, String error, String detail) throws IOException {
        ObjectNode body = Json.mapper().createObjectNode().put("error", error);
        if (detail != null) {
            body.put("detail", detail);
        }
        json(exchange, status, body);
    }

    static void text(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
