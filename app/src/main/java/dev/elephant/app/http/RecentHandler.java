package dev.elephant.app.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.elephant.events.DeadLetter;
import dev.elephant.events.DnsMutation;
import dev.elephant.events.Json;
import dev.elephant.events.Printable;
import dev.elephant.sinks.TopicSnapshot;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * What happened lately, read from the audit topics for a window of time (only that window is read, from the offsets
 * of its start):
 * <ul>
 *   <li>{@code GET /v1/mutations?since=PT1H&name=…&instance=…&limit=200}: the DNS audit, newest first — each intent and
 *       outcome, as {@code elephant audit} shows them;</li>
 *   <li>{@code GET /v1/dead-letters?since=PT1H&limit=20}: what was refused, counted by reason, with the latest few
 *       (their payload left out: it is whatever a caller sent).</li>
 * </ul>
 */
final class RecentHandler implements HttpHandler {

    static final Duration MAX_WINDOW = Duration.ofDays(7);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final java.util.concurrent.atomic.AtomicLong WINDOWS = new java.util.concurrent.atomic.AtomicLong();

    private final Map<String, Object> kafka;
    private final String mutationsTopic;
    private final String deadLetterTopic;
    private final Clock clock;

    RecentHandler(Map<String, Object> kafka, String mutationsTopic, String deadLetterTopic, Clock clock) {
        this.kafka = kafka;
        this.mutationsTopic = mutationsTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.clock = clock;
    }

    /** One step of the DNS audit. */
    record MutationRow(Instant time, String name, String phase, String action, String content, String previousContent,
                       String instanceId, String causeId, String error, String mutationId) {}

    /** One refused input, without its payload. */
    record DeadLetterRow(Instant time, String key, String reason, String source, String detail, int payloadBytes) {}

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!Responses.readOnly(exchange)) {
                return;
            }
            Map<String, String> q = QueryParams.of(exchange.getRequestURI().getRawQuery());
            Duration since;
            int limit;
            try {
                since = Duration.parse(q.getOrDefault("since", "PT1H"));
                limit = Integer.parseInt(q.getOrDefault("limit", "200"));
            } catch (DateTimeParseException | NumberFormatException e) {
                Responses.error(exchange, 400, "bad-query", "since is an ISO-8601 duration (PT1H), limit a number");
                return;
            }
            if (since.isNegative() || since.isZero() || since.compareTo(MAX_WINDOW) > 0 || limit < 1 || limit > 2000) {
                Responses.error(exchange, 400, "bad-query", "since must be positive and at most " + MAX_WINDOW
                        + ", limit 1..2000");
                return;
            }
            Instant from = clock.instant().minus(since);
            try {
                String path = exchange.getRequestURI().getPath();
                if (path.equals("/v1/mutations")) {
                    Responses.json(exchange, 200, Map.of("mutations", mutations(from, q.get("name"), q.get("instance"),
                            limit)));
                } else if (path.equals("/v1/dead-letters")) {
                    Responses.json(exchange, 200, deadLetters(from, limit));
                } else {
                    Responses.error(exchange, 404, "not-found", "no such resource");
                }
            } catch (TimeoutException | RuntimeException e) {
                exchange.getResponseHeaders().set("Retry-After", "2");
                Responses.error(exchange, 503, "kafka-unavailable", "cannot read the audit now: "
                        + Printable.of(String.valueOf(e.getMessage())));
            }
        }
    }

    private List<MutationRow> mutations(Instant from, String name, String instance, int limit) throws TimeoutException {
        Deque<MutationRow> newest = new ArrayDeque<>();
        window(mutationsTopic, from, bytes -> {
            DnsMutation m = Json.fromBytes(bytes, DnsMutation.class);
            if ((name != null && !name.equalsIgnoreCase(m.name())) || (instance != null
                    && !instance.equals(m.instanceId())) || m.time() == null || m.time().isBefore(from)) {
                return;
            }
            newest.addLast(new MutationRow(m.time(), m.name(), wire(m.phase()), m.action() == null ? null
                    : wire(m.action()), m.content(), m.previousContent(), m.instanceId(), m.causeId(), m.error(),
                    m.mutationId()));
            if (newest.size() > limit) {
                newest.removeFirst();
            }
        });
        List<MutationRow> out = new ArrayList<>(newest);
        out.sort((a, b) -> b.time().compareTo(a.time()));
        return out;
    }

    private Map<String, Object> deadLetters(Instant from, int limit) throws TimeoutException {
        Map<String, Integer> byReason = new TreeMap<>();
        Deque<DeadLetterRow> latest = new ArrayDeque<>();
        window(deadLetterTopic, from, (key, bytes) -> {
            DeadLetter d = Json.fromBytes(bytes, DeadLetter.class);
            if (d.time() == null || d.time().isBefore(from)) {
                return;
            }
            byReason.merge(d.reason(), 1, Integer::sum);
            latest.addLast(new DeadLetterRow(d.time(), key, d.reason(), d.source(), d.detail(), d.payloadBytes()));
            if (latest.size() > limit) {
                latest.removeFirst();
            }
        });
        List<DeadLetterRow> rows = new ArrayList<>(latest);
        rows.sort((a, b) -> b.time().compareTo(a.time()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("byReason", byReason);
        body.put("latest", rows);
        return body;
    }

    private interface Value {
        void accept(byte[] value);
    }

    private interface KeyedValue {
        void accept(String key, byte[] value);
    }

    private void window(String topic, Instant from, Value each) throws TimeoutException {
        window(topic, from, (key, value) -> each.accept(value));
    }

    /** Every readable record of {@code topic} from the offsets of {@code from} to its end. */
    private void window(String topic, Instant from, KeyedValue each) throws TimeoutException {
        // Its own client id: the page asks for two windows at once, and client ids name the clients' metrics.
        Map<String, Object> kafka = new java.util.HashMap<>(this.kafka);
        kafka.put(ConsumerConfig.CLIENT_ID_CONFIG, "elephant-ops-window-" + WINDOWS.incrementAndGet());
        List<TopicPartition> partitions = TopicSnapshot.partitionsOf(kafka, topic, READ_TIMEOUT);
        Map<TopicPartition, Long> start = TopicSnapshot.offsetsSince(kafka, partitions, from, READ_TIMEOUT);
        TopicSnapshot.scan(kafka, partitions, start, READ_TIMEOUT, r -> {
            if (r.value() == null) {
                return;
            }
            try {
                each.accept(r.key(), r.value());
            } catch (RuntimeException unreadable) {
                // not a value of the topic's schema: elephant audit and the consumers dead-letter it, here it is skipped
            }
        });
    }

    private static String wire(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
