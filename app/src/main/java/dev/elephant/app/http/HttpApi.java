package dev.elephant.app.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.elephant.app.queries.StateQueries;
import dev.elephant.connector.failover.FailoverIngest;
import dev.elephant.connector.ingest.IngestHandler;
import dev.elephant.events.HttpServerSettings;
import dev.elephant.events.PemTls;
import dev.elephant.sinks.certificates.CertificateStatus;
import dev.elephant.sinks.failover.InstanceAddresses;
import dev.elephant.topology.common.TopologyConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * One of Elephant's two HTTP listeners, on the JDK's HTTP server.
 *
 * <ul>
 *   <li>The public surface ({@link #servePublic}) faces the internet, because an EventBridge API destination
 *       and the browsers following {@code join} need it: ingest, {@code join}, {@code /healthz}, {@code /readyz}.
 *       Nothing on it tells a stranger anything about the fleet.</li>
 *   <li>The operations surface ({@link #serveOps}) is private (bound to loopback unless configured): instance
 *       and meeting queries (private addresses, every tag), failover names, {@code /v1/health}, {@code /metrics}. The instances
 *       advertise it to each other, so forwarded queries and {@code join}s go here.</li>
 * </ul>
 */
public final class HttpApi implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HttpApi.class);

    static {
        HttpServerSettings.apply();
    }

    private static final Pattern JOIN = Pattern.compile("/v1/meetings/[^/]+/join");

    private final HttpServer server;
    private final QueryForwarder.TlsPeers tlsPeers;
    private final String name;
    /**
     * An ingest handler holds its thread while it waits for its EC2 lookup and Kafka's acknowledgement. Under EC2's
     * request rate the lookups come paced, at Elephant's share of 10 calls a second, each answering every request
     * waiting on it (up to 100 instances), so a request waits about 100 ms: with 64 threads no more than 640 events a
     * second could be answered, fewer than the 1,000 instances a second the paced calls can look up
     * (docs/BENCHMARKS.md, "Ingest"). 256 threads leave the paced calls, not the threads, the bound; they are started
     * only as requests need them.
     */
    public static final int HANDLER_THREADS = 256;

    private ExecutorService threads;
    /** The query handler of the operations listener; the public listener's {@code join} goes through it too. */
    private QueryHandler query;
    private InstanceAddresses instanceAddresses;
    /** The paths of this listener's resources. */
    private final List<String> paths = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private HttpApi(HttpServer server, QueryForwarder.TlsPeers tlsPeers, String name) {
        this.server = server;
        this.tlsPeers = tlsPeers;
        this.name = name;
    }

    /**
     * Binds the port, serving nothing yet: the port is known (also when 0 asked for any) before Kafka
     * Streams starts and must be told where this instance answers queries.
     *
     * @param name           names the listener's threads ({@code public}, {@code ops})
     * @param tlsCertificate PEM certificate chain to serve HTTPS with, or null for plain HTTP (behind a
     *                       TLS-terminating proxy, or on a private network)
     */
    public static HttpApi bind(String name, String host, int port, Path tlsCertificate, Path tlsKey)
            throws IOException {
        if (tlsCertificate == null) {
            return new HttpApi(HttpServer.create(new InetSocketAddress(host, port), 128), null, name);
        }
        SSLContext tls = PemTls.server(tlsCertificate, tlsKey);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(host, port), 128);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        return new HttpApi(https, new QueryForwarder.TlsPeers(PemTls.trusting(tlsCertificate),
                PemTls.trustManager(tlsCertificate), PemTls.leaf(tlsCertificate)), name);
    }

    public boolean isHttps() {
        return tlsPeers != null;
    }

    /**
     * What faces the internet: ingest, {@code join} (forwarded to the owner's operations listener when the
     * meeting's partition is elsewhere), liveness and readiness.
     *
     * @param ops the operations listener, already serving: its query handler (and so its forwarder to the peers'
     *            operations listeners) answers {@code join} here too
     */
    public void servePublic(IngestHandler eventBridge, IngestHandler meetings, FailoverIngestHandlers failover,
                            HttpApi ops, Supplier<Map<String, String>> readiness) {
        QueryHandler query = ops.query;
        if (query == null) {
            throw new IllegalStateException("the operations listener must serve before the public one");
        }
        context("/v1/eventbridge", eventBridge);
        context("/v1/meetings", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if ("/v1/meetings".equals(path)) {
                meetings.handle(exchange);
            } else if (JOIN.matcher(path).matches()) {
                query.handle(exchange);
            } else {
                onTheOperationsListener(exchange);
            }
        });
        context(FailoverIngest.PATH, exchange -> {
            // Declared and removed here with the ingest key; read on the operations listener.
            String path = exchange.getRequestURI().getPath();
            boolean read = "GET".equals(exchange.getRequestMethod()) || "HEAD".equals(exchange.getRequestMethod());
            if (read) {
                onTheOperationsListener(exchange);
            } else if (FailoverIngest.PATH.equals(path)) {
                failover.declare().handle(exchange);
            } else {
                failover.remove().handle(exchange);
            }
        });
        // Everything else the operations listener serves is answered here by saying where it is served.
        probes(readiness, ops);
        start();
    }

    /** {@code POST /v1/failover} and {@code DELETE /v1/failover/{name}}. */
    public record FailoverIngestHandlers(IngestHandler declare, IngestHandler remove) {}

    /**
     * Where instances are now, as failover checks need it: read from this instance's tables or asked of the instance
     * holding them. Available once {@link #serveOps} ran.
     */
    public InstanceAddresses instanceAddresses() {
        if (instanceAddresses == null) {
            throw new IllegalStateException("the operations listener does not serve yet");
        }
        return instanceAddresses;
    }

    /** What is private: queries (also those forwarded by the other instances), health, metrics. */
    public void serveOps(StateQueries queries, String self, TopologyConfig config,
                         Supplier<Map<String, String>> readiness, Supplier<Map<String, String>> health,
                         PrometheusMeterRegistry metrics) {
        QueryForwarder forwarder = new QueryForwarder(tlsPeers, self, metrics);
        query = new QueryHandler(queries, config, forwarder);
        instanceAddresses = new PeerInstanceAddresses(queries, forwarder);
        context("/v1/meetings/", query);
        context("/v1/instances/", query);
        context("/v1/failover/", query);
        context("/v1/failover", new ListingHandler(ListingHandler.Kind.FAILOVER, queries, config,
                forwarder));
        context("/v1/records", new ListingHandler(ListingHandler.Kind.RECORDS, queries, config, forwarder));
        context("/v1/instances", new ListingHandler(ListingHandler.Kind.INSTANCES, queries, config,
                forwarder));
        context("/v1/meetings", new ListingHandler(ListingHandler.Kind.MEETINGS, queries, config,
                forwarder));
        context(OpsPage.PATH, new OpsPage());
        context("/v1/health", exchange -> {
            try (exchange) {
                // Always 200: this reports, it is not a check for a load balancer to act on.
                Map<String, String> problems = health.get();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("healthy", problems.isEmpty());
                body.put("problems", problems);
                Responses.json(exchange, 200, body);
            }
        });
        context("/metrics", exchange -> {
            try (exchange) {
                Responses.text(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
            }
        });
        probes(readiness, null);
        start();
    }

    /** {@code GET /v1/mutations} and {@code GET /v1/dead-letters}: the audit topics for a recent window of time. */
    public void serveRecent(Map<String, Object> kafka, dev.elephant.events.Topics topics, java.time.Clock clock) {
        RecentHandler recent = new RecentHandler(kafka, topics, clock);
        context("/v1/mutations", recent);
        context("/v1/dead-letters", recent);
    }

    /**
     * {@code GET /v1/status}: the numbers behind health (Streams' state, the DNS sink's lag and open intents, the last
     * reconciliation, the provider's budget and waits) and their last hour, for the operations page and scripts.
     */
    public void serveStatus(Supplier<Map<String, Object>> status) {
        context("/v1/status", exchange -> {
            try (exchange) {
                if (Responses.readOnly(exchange)) {
                    Responses.json(exchange, 200, status.get());
                }
            }
        });
    }

    /** Where the certificate's status comes from. */
    @FunctionalInterface
    public interface CertificateStatusSource {
        CertificateStatus get() throws TimeoutException;
    }

    /**
     * {@code GET /v1/certificates}: the certificate's status, as {@code elephant cert status --format json} prints it;
     * 404 saying so when Elephant obtains none.
     *
     * @param status null when {@code certificates.enabled} is false
     */
    public void serveCertificates(CertificateStatusSource status) {
        context("/v1/certificates", exchange -> {
            try (exchange) {
                if (status == null) {
                    Responses.error(exchange, 404, "not-enabled", "Elephant obtains no certificate here "
                            + "(certificates.enabled is false)");
                    return;
                }
                try {
                    Responses.json(exchange, 200, List.of(status.get()));
                } catch (TimeoutException e) {
                    Responses.error(exchange, 503, "kafka-unavailable", "the certificates topic could not be read: "
                            + e.getMessage());
                }
            }
        });
    }

    /**
     * @param elsewhere the listener that serves what this one does not (the operations listener, for the public one):
     *                  a path it serves is answered {@code not-here}, naming it; null: {@code not-found}
     */
    private void probes(Supplier<Map<String, String>> readiness, HttpApi elsewhere) {
        context("/healthz", exchange -> {
            try (exchange) {
                Responses.text(exchange, 200, "text/plain", "ok\n");
            }
        });
        context("/readyz", exchange -> {
            try (exchange) {
                Map<String, String> problems = readiness.get();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("ready", problems.isEmpty());
                body.put("problems", problems);
                Responses.json(exchange, problems.isEmpty() ? 200 : 503, body);
            }
        });
        context("/", exchange -> {
            if (elsewhere != null && elsewhere.serves(exchange.getRequestURI().getPath())) {
                onTheOperationsListener(exchange);
                return;
            }
            try (exchange) {
                Responses.error(exchange, 404, "not-found", "no such resource");
            }
        });
    }

    private static void onTheOperationsListener(HttpExchange exchange) throws IOException {
        try (exchange) {
            Responses.error(exchange, 404, "not-here", "instance and meeting queries, health and metrics are "
                    + "served on the operations listener (ops.host, ops.port), not on the public one");
        }
    }

    /**
     * Serves {@code path} with {@code handler}; whatever a handler did not expect is answered {@code 500} and logged,
     * rather than leaving the JDK server to drop the connection without a word (a client then sees no answer at
     * all, and nobody learns why).
     */
    private void context(String path, com.sun.net.httpserver.HttpHandler handler) {
        paths.add(path);
        server.createContext(path, exchange -> {
            HeldExchange held = new HeldExchange(exchange);
            try {
                handler.handle(held);
            } catch (RuntimeException e) {
                log.error("{} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        e.toString(), e);
                try {
                    Responses.error(held, 500, "internal-error", "Elephant could not answer this request ("
                            + e.getClass().getSimpleName() + "); the log says why");
                } catch (IOException | RuntimeException alreadyAnswering) {
                    // the answer had begun: closing is all that is left
                }
            } finally {
                held.release();
            }
        });
    }

    /** Whether a request for {@code path} reaches one of this listener's resources (as the server matches: by prefix). */
    private boolean serves(String path) {
        return paths.stream().anyMatch(p -> !p.equals("/") && path.startsWith(p));
    }

    private void start() {
        threads = Executors.newFixedThreadPool(HANDLER_THREADS, r -> {
            Thread t = new Thread(r, "elephant-http-" + name);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.start();
    }

    /** Stops taking requests (what close does; named for where shutdown calls it). */
    public void stopTakingRequests() {
        close();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        server.stop(1);
        if (threads != null) {
            threads.shutdownNow();
        }
    }
}
