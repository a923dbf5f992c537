package dev.elephant.app.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.elephant.app.audit.Causes;
import dev.elephant.events.DeadLetter;
import dev.elephant.events.DnsMutation;
import dev.elephant.events.FailoverCheck;
import dev.elephant.events.InstanceEvent;
import dev.elephant.events.Json;
import dev.elephant.events.Printable;
import dev.elephant.events.Topics;
import dev.elephant.sinks.TopicSnapshot;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
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
 *       outcome, as {@code elephant audit} shows them, with its cause in words when found; {@code instance} takes a
 *       comma-separated list (a meeting's instances);</li>
 *   <li>{@code GET /v1/dead-letters?since=PT1H&limit=20}: what was refused, counted by reason, with the latest few
 *       (their payload left out: it is whatever a caller sent).</li>
 * </ul>
 */
final class RecentHandler implements HttpHandler {

    static final Duration MAX_WINDOW = Duration.ofDays(7);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final java.util.concurrent.atomic.AtomicLong WINDOWS = new java.util.concurrent.atomic.AtomicLong();

    /**
     * How far before the oldest row shown its causes are looked for: a record follows its cause within seconds; a
     * repair of an old record names an older one, then shown by id only.
     */
    static final Duration CAUSE_LOOKBACK = Duration.ofHours(1);

    private final Map<String, Object> kafka;
    private final Topics topics;
    private final Clock clock;

    RecentHandler(Map<String, Object> kafka, Topics topics, Clock clock) {
        this.kafka = kafka;
        this.topics = topics;
        this.clock = clock;
    }

    /** One step of the DNS audit, its cause in words when the causing event was found. */
    record MutationRow(Instant time, String name, String phase, String action, String content, String previousContent,
                       String instanceId, String causeId, String cause, String error, String mutationId) {}

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
                    Set<String> instances = q.get("instance") == null ? null
                            : new HashSet<>(Arrays.asList(q.get("instance").split(",")));
                    Responses.json(exchange, 200, Map.of("mutations", mutations(from, q.get("name"), instances, limit)));
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

    /** @param instances only these instances' records (a meeting's), or null for every one */
    private List<MutationRow> mutations(Instant from, String name, Set<String> instances, int limit)
            throws TimeoutException {
        Deque<DnsMutation> newest = new ArrayDeque<>();
        window(topics.dnsMutations(), from, bytes -> {
            DnsMutation m = Json.fromBytes(bytes, DnsMutation.class);
            if ((name != null && !name.equalsIgnoreCase(m.name())) || (instances != null
                    && !instances.contains(m.instanceId())) || m.time() == null || m.time().isBefore(from)) {
                return;
            }
            newest.addLast(m);
            if (newest.size() > limit) {
                newest.removeFirst();
            }
        });
        Map<String, String> causes = newest.isEmpty() ? Map.of() : causes(newest);
        List<MutationRow> out = new ArrayList<>();
        for (DnsMutation m : newest) {
            out.add(new MutationRow(m.time(), m.name(), wire(m.phase()), m.action() == null ? null : wire(m.action()),
                    m.content(), m.previousContent(), m.instanceId(), m.causeId(), causes.get(m.causeId()), m.error(),
                    m.mutationId()));
        }
        out.sort((a, b) -> b.time().compareTo(a.time()));
        return out;
    }

    /**
     * The rows' causes in words, by cause id: the instance events and failover checks among them, looked for from
     * {@link #CAUSE_LOOKBACK} before the oldest row (only that window of those topics is read).
     */
    private Map<String, String> causes(Deque<DnsMutation> rows) throws TimeoutException {
        Set<String> ids = new HashSet<>();
        Instant oldest = rows.getFirst().time();
        for (DnsMutation m : rows) {
            if (m.causeId() != null) {
                ids.add(m.causeId());
            }
            if (m.time().isBefore(oldest)) {
                oldest = m.time();
            }
        }
        Map<String, String> out = new HashMap<>();
        Instant from = oldest.minus(CAUSE_LOOKBACK);
        window(topics.instanceEvents(), from, bytes -> {
            InstanceEvent e = Json.fromBytes(bytes, InstanceEvent.class);
            if (ids.contains(e.eventId())) {
                out.put(e.eventId(), Causes.describe(e));
            }
        });
        try {
            window(topics.failoverChecks(), from, bytes -> {
                FailoverCheck c = Json.fromBytes(bytes, FailoverCheck.class);
                if (ids.contains(c.checkId())) {
                    out.put(c.checkId(), Causes.describe(c));
                }
            });
        } catch (IllegalStateException noTopic) {
            // a deployment from before failover names
        }
        return out;
    }

    private Map<String, Object> deadLetters(Instant from, int limit) throws TimeoutException {
        Map<String, Integer> byReason = new TreeMap<>();
        Deque<DeadLetterRow> latest = new ArrayDeque<>();
        window(topics.deadLetter(), from, (key, bytes) -> {
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
