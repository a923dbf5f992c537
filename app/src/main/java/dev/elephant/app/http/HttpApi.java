package dev.elephant.app.http;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.elephant.app.queries.StateQueries;
import dev.elephant.connector.ingest.IngestHandler;
import dev.elephant.events.PemTls;
import dev.elephant.topology.common.TopologyConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/** Elephant's HTTP API on the JDK's HTTP server: ingest, queries, health and metrics. */
public final class HttpApi implements AutoCloseable {

    static {
        dev.elephant.events.HttpServerSettings.apply();
    }

    private final HttpServer server;
    private final QueryForwarder.TlsPeers tlsPeers;
    private ExecutorService threads;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private HttpApi(HttpServer server, QueryForwarder.TlsPeers tlsPeers) {
        this.server = server;
        this.tlsPeers = tlsPeers;
    }

    /**
     * Binds the port, serving nothing yet: the port is known (also when 0 asked for any) before Kafka
     * Streams starts and must be told where this instance answers queries.
     *
     * @param tlsCertificate PEM certificate chain to serve HTTPS with, or null for plain HTTP behind a
     *                       TLS-terminating proxy
     */
    public static HttpApi bind(String host, int port, Path tlsCertificate, Path tlsKey) throws IOException {
        if (tlsCertificate == null) {
            return new HttpApi(HttpServer.create(new InetSocketAddress(host, port), 128), null);
        }
        SSLContext tls = PemTls.server(tlsCertificate, tlsKey);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(host, port), 128);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        return new HttpApi(https, new QueryForwarder.TlsPeers(PemTls.trusting(tlsCertificate),
                PemTls.trustManager(tlsCertificate)));
    }

    public boolean isHttps() {
        return tlsPeers != null;
    }

    /** @param self this instance's {@code application.server}: where the other instances forward queries to */
    public void serve(IngestHandler eventBridge, IngestHandler meetings, StateQueries queries, String self,
                      TopologyConfig config, Supplier<Map<String, String>> readiness,
                      Supplier<Map<String, String>> health, PrometheusMeterRegistry metrics) {
        QueryHandler query = new QueryHandler(queries, config, new QueryForwarder(tlsPeers, self, metrics));
        server.createContext("/v1/eventbridge", eventBridge);
        server.createContext("/v1/meetings", exchange -> {
            // POST /v1/meetings takes meeting events; GET /v1/meetings/{id}[/join] reads them.
            if ("/v1/meetings".equals(exchange.getRequestURI().getPath())) {
                meetings.handle(exchange);
            } else {
                query.handle(exchange);
            }
        });
        server.createContext("/v1/instances/", query);
        server.createContext("/healthz", exchange -> {
            try (exchange) {
                Responses.text(exchange, 200, "text/plain", "ok\n");
            }
        });
        server.createContext("/readyz", exchange -> {
            try (exchange) {
                Map<String, String> problems = readiness.get();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("ready", problems.isEmpty());
                body.put("problems", problems);
                Responses.json(exchange, problems.isEmpty() ? 200 : 503, body);
            }
        });
        server.createContext("/v1/health", exchange -> {
            try (exchange) {
                // Always 200: this reports, it is not a check for a load balancer to act on.
                Map<String, String> problems = health.get();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("healthy", problems.isEmpty());
                body.put("problems", problems);
                Responses.json(exchange, 200, body);
            }
        });
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                Responses.text(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
            }
        });
        server.createContext("/", exchange -> {
            try (exchange) {
                Responses.error(exchange, 404, "not-found", "no such resource");
            }
        });
        // Ingest handlers wait on an EC2 lookup and a Kafka acknowledgement; concurrency, not CPU, bounds
        // them below ~60 parallel requests (docs/BENCHMARKS.md).
        threads = Executors.newFixedThreadPool(64, r -> {
            Thread t = new Thread(r, "elephant-http");
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
