package dev.elephant.standins.aws;

import dev.elephant.events.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events the way an EventBridge rule with an API destination does. Where to: once rules
 * target API destinations ({@code elephant aws install} made them), to every destination whose rule
 * matches the event, with its connection's key; before that, to the target given at start. How: one event JSON per POST,
 * {@code Content-Type: application/json; charset=utf-8}, {@code User-Agent: Amazon/EventBridge/ApiDestinations},
 * the connection's API key header, a 5 s timeout, and retries with backoff on 429, 5xx and network
 * errors (other 4xx are not retried). Source: ../shared/fixtures/eventbridge/README.md.
 */
final class EventBridgeDelivery implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventBridgeDelivery.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final URI target;
    private final String keyHeader;
    private final String key;
    private final HttpClient client;
    // One thread by default: events leave in the order the stand-in made them; EventBridge does not promise
    // that, and Elephant does not rely on it, but a predictable stand-in makes clearer tests. EventBridge itself
    // delivers many at once (an API destination's invocation rate is 300 a second by default): concurrency(n).
    private final java.util.concurrent.ThreadPoolExecutor sender = new java.util.concurrent.ThreadPoolExecutor(1, 1,
            0, TimeUnit.MILLISECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "standin-eventbridge");
                t.setDaemon(true);
                return t;
            });
    private final java.util.Map<Integer, java.util.concurrent.atomic.AtomicLong> answers =
            new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.Queue<String> acceptedIds = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicLong attempts = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.Map<String, Long> attemptsById = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, java.time.Instant> firstAttempts = new java.util.concurrent.ConcurrentHashMap<>();

    private final EventBridgeRules rules;

    EventBridgeDelivery(URI target, SSLContext tls, String keyHeader, String key, EventBridgeRules rules) {
        this.rules = rules;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.client = builder.build();
        this.target = target;
        this.keyHeader = keyHeader;
        this.key = key;
    }

    void deliver(String eventJson) {
        if (closed) {
            return;
        }
        if (rules.routesToApiDestinations()) {
            try {
                for (EventBridgeRules.Route route : rules.routes(Json.mapper().readTree(eventJson))) {
                    submit(() -> send(eventJson, route.endpoint(), route.headerName(), route.headerValue()));
                }
            } catch (IOException e) {
                log.warn("EventBridge stand-in: cannot route an event it made: {}", e.toString());
            }
            return;
        }
        if (target != null) {
            submit(() -> send(eventJson, target, keyHeader, key));
        }
    }

    private void submit(Runnable delivery) {
        pending.incrementAndGet();
        sender.submit(() -> {
            try {
                delivery.run();
            } finally {
                pending.decrementAndGet();
            }
        });
    }

    /** Up to {@code deliveries} events on their way at once from now on. */
    void concurrency(int deliveries) {
        if (deliveries < 1) {
            throw new IllegalArgumentException("at least one delivery at a time");
        }
        if (deliveries >= sender.getMaximumPoolSize()) {
            sender.setMaximumPoolSize(deliveries);
            sender.setCorePoolSize(deliveries);
        } else {
            sender.setCorePoolSize(deliveries);
            sender.setMaximumPoolSize(deliveries);
        }
    }

    /** How many POSTs the targets answered with {@code status}, retries included. */
    long answered(int status) {
        java.util.concurrent.atomic.AtomicLong n = answers.get(status);
        return n == null ? 0 : n.get();
    }

    /** Deliveries made or retrying that have not ended yet (accepted, or refused for good). */
    int pending() {
        return pending.get();
    }

    /** The ids of the events a target accepted (2xx), in the order it accepted them. */
    java.util.List<String> acceptedEventIds() {
        return java.util.List.copyOf(acceptedIds);
    }

    /** Every POST tried, retries included. */
    long attempts() {
        return attempts.get();
    }

    /** Per event id, when it was first POSTed: when it reached its target, for a benchmark's clock. */
    java.util.Map<String, java.time.Instant> firstAttempts() {
        return java.util.Map.copyOf(firstAttempts);
    }

    /** Per event id, how many times it was POSTed (a crash can keep a write whose answer it never sent). */
    java.util.Map<String, Long> attemptsById() {
        return java.util.Map.copyOf(attemptsById);
    }

    private void send(String eventJson, URI target, String keyHeader, String key) {
        Duration backoff = Duration.ofMillis(100);
        while (!closed) {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(target)
                        .timeout(TIMEOUT)
                        .header("Content-Type", "application/json; charset=utf-8")
                        .header("User-Agent", "Amazon/EventBridge/ApiDestinations")
                        .POST(HttpRequest.BodyPublishers.ofString(eventJson));
                if (keyHeader != null && key != null) {
                    request.header(keyHeader, key);
                }
                attempts.incrementAndGet();
                String id = eventId(eventJson);
                if (attemptsById.merge(id, 1L, Long::sum) == 1L) {
                    firstAttempts.put(id, java.time.Instant.now());
                }
                int status = client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                answers.computeIfAbsent(status, k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
                if (status < 300) {
                    acceptedIds.add(eventId(eventJson));
                    return;
                }
                if (status != 429 && status < 500) {
                    log.warn("EventBridge stand-in: target answered {}; not retried, as EventBridge would not", status);
                    return;
                }
            } catch (IOException e) {
                log.debug("EventBridge stand-in: delivery failed, will retry: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private static String eventId(String eventJson) throws IOException {
        return Json.mapper().readTree(eventJson).path("id").asText();
    }

    @Override
    public void close() {
        closed = true;
        sender.shutdown();
        try {
            sender.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.shutdownNow();
    }
}
