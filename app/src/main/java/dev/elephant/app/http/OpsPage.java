package dev.elephant.app.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The operations page ({@code /ui/}): static HTML, CSS and JavaScript from Elephant's own resources, reading the
 * operations listener's JSON endpoints. Read-only; served only on the operations listener, behind whatever protects it.
 */
final class OpsPage implements HttpHandler {

    static final String PATH = "/ui/";
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8");

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                Responses.error(exchange, 405, "method-not-allowed", "the operations page is read-only");
                return;
            }
            String file = exchange.getRequestURI().getPath().substring(PATH.length());
            if (file.isEmpty()) {
                file = "index.html";
            }
            String type = FILES.get(file);
            if (type == null) {
                Responses.error(exchange, 404, "not-found", "no such file of the operations page");
                return;
            }
            byte[] body;
            try (InputStream in = OpsPage.class.getResourceAsStream("/dev/elephant/app/ui/" + file)) {
                if (in == null) {
                    Responses.error(exchange, 500, "missing-resource", file + " is missing from Elephant's jar");
                    return;
                }
                body = in.readAllBytes();
            }
            var h = exchange.getResponseHeaders();
            h.set("Content-Type", type);
            h.set("Cache-Control", "no-cache");
            h.set("X-Content-Type-Options", "nosniff");
            // Its own scripts and styles, and fetches to its own listener: nothing else.
            h.set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
            exchange.sendResponseHeaders(200, "HEAD".equals(exchange.getRequestMethod()) ? -1 : body.length);
            if (!"HEAD".equals(exchange.getRequestMethod())) {
                exchange.getResponseBody().write(body);
            }
        }
    }
}
