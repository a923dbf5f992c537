package dev.elephant.app.hosts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elephant.events.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every record Elephant wants, read page by page from {@code GET /v1/records} on its operations listener (not from the
 * DNS provider, whose API is rate-limited). All pages or nothing: any failure is {@link Unavailable}.
 */
public final class RecordsSource {

    private static final int PAGE = 2000;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** Which address a line gets: the one the record points at, or the instance's public or private one. */
    public enum Address { RECORD, PUBLIC, PRIVATE }

    public RecordsSource(URI base) {
        this.base = base;
    }

    public static final class Unavailable extends Exception {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** @return the entries, and how many records had no address of the kind asked for */
    public record Read(List<HostsFile.Entry> entries, int withoutAddress) {}

    public Read read(Address kind) throws Unavailable, InterruptedException {
        List<HostsFile.Entry> out = new ArrayList<>();
        int without = 0;
        String after = null;
        do {
            URI page = base.resolve("/v1/records?limit=" + PAGE
                    + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8)));
            JsonNode body;
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(page).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new Unavailable(page + " answered " + r.statusCode() + ": " + abbreviate(r.body()), null);
                }
                body = Json.mapper().readTree(r.body());
            } catch (IOException e) {
                throw new Unavailable("cannot read " + page + ": " + e, e);
            }
            for (JsonNode rec : body.path("records")) {
                // A failover name's record is no instance's: its address is the target it points at, whichever kind.
                String address = !rec.hasNonNull("instanceId") ? rec.path("content").asText(null) : switch (kind) {
                    case RECORD -> rec.path("content").asText(null);
                    case PUBLIC -> rec.path("publicIp").asText(null);
                    case PRIVATE -> rec.path("privateIp").asText(null);
                };
                String name = rec.path("name").asText(null);
                if (address == null || address.isBlank() || name == null) {
                    without++;
                } else {
                    out.add(new HostsFile.Entry(address, name));
                }
            }
            JsonNode next = body.path("next");
            after = next.isTextual() ? next.asText() : null;
        } while (after != null);
        return new Read(out, without);
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
