package dev.elephant.sinks.dns.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Cloudflare's rate-limit headers (the IETF draft "RateLimit header fields for HTTP"), sent on every
 * answer: {@code Ratelimit: "default";r=50;t=30} (per limit: requests remaining, seconds until the
 * window resets) and {@code Ratelimit-Policy: "default";q=1200;w=300} (per limit: quota, window in
 * seconds). A header that does not parse yields nothing rather than an error: it only ever refines
 * what the budget already enforces.
 */
public final class RateLimitHeaders {

    /** One limit as the provider counts it for the token: every user of the token together. */
    public record Limit(String name, long remaining, Duration reset, OptionalLong quota, OptionalLong windowSeconds) {}

    private RateLimitHeaders() {}

    public static List<Limit> parse(String ratelimit, String policy) {
        List<Limit> limits = new ArrayList<>();
        if (ratelimit == null) {
            return limits;
        }
        Map<String, Map<String, Long>> policies = new HashMap<>();
        for (Map.Entry<String, Map<String, Long>> item : items(policy).entrySet()) {
            policies.put(item.getKey(), item.getValue());
        }
        for (Map.Entry<String, Map<String, Long>> item : items(ratelimit).entrySet()) {
            Long remaining = item.getValue().get("r");
            Long reset = item.getValue().get("t");
            if (remaining == null || reset == null || remaining < 0 || reset < 0) {
                continue;
            }
            Map<String, Long> p = policies.getOrDefault(item.getKey(), Map.of());
            limits.add(new Limit(item.getKey(), remaining, Duration.ofSeconds(reset), optional(p.get("q")),
                    optional(p.get("w"))));
        }
        return limits;
    }

    private static OptionalLong optional(Long value) {
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    /** {@code "a";k=1;j=2, b;k=3} → {a: {k: 1, j: 2}, b: {k: 3}}; parameters that are not integers are left out. */
    private static Map<String, Map<String, Long>> items(String header) {
        Map<String, Map<String, Long>> items = new HashMap<>();
        if (header == null) {
            return items;
        }
        for (String item : header.split(",")) {
            String[] parts = item.trim().split(";");
            String name = parts[0].trim().replace("\"", "");
            if (name.isEmpty()) {
                continue;
            }
            Map<String, Long> params = new HashMap<>();
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                try {
                    params.put(parts[i].substring(0, eq).trim(), Long.parseLong(parts[i].substring(eq + 1).trim()));
                } catch (NumberFormatException e) {
                    // not a parameter Elephant reads
                }
            }
            items.put(name, params);
        }
        return items;
    }
}
