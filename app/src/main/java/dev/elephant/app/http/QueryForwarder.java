package dev.elephant.app.http;

import com.sun.net.httpserver.HttpExchange;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks the instance that owns a key: several Elephant instances share the tables by partition, and a
 * query may arrive at any of them. The owner's answer (status, body, {@code Location},
 * {@code Retry-After}) is passed back as it is. A request is forwarded at most once: an instance that
 * receives a forwarded query for a key it no longer owns answers 503 (ownership is moving) instead of
 * sending it on, so a rebalance can never make two instances bounce a query between them.
 */
final class QueryForwarder {

    /** Marks a forwarded request and names the instance that forwarded it. */
    static final String FORWARDED_HEADER = "X-Elephant-Forwarded-By";
    private static final int MAX_BODY = 1 << 20;

    private final OkHttpClient client;
    private final String scheme;
    private final String self;
    private final MeterRegistry metrics;

    /**
     * @param tls   when the API serves HTTPS: the peers serve the same certificate, which the
     *              forwarder trusts; null for plain HTTP
     * @param self  this instance's {@code host:port}, sent along for the owner's logs
     */
    QueryForwarder(TlsPeers tls, String self, MeterRegistry metrics) {
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .followRedirects(false) // a join's 302 is the answer, not something to follow
                .connectTimeout(Duration.ofSeconds(1))
                .callTimeout(Duration.ofSeconds(3))
                .retryOnConnectionFailure(false);
        if (tls != null) {
            builder.sslSocketFactory(tls.context().getSocketFactory(), tls.trustManager())
                    // Peers are reached at the addresses they advertise (a pod IP, a private name), which the
                    // certificate need not name; what proves a peer is that it presents Elephant's own
                    // certificate, so that is what is checked instead of the host name.
                    .hostnameVerifier((host, session) -> tls.presentsOwnCertificate(session));
        }
        this.client = builder.build();
        this.scheme = tls == null ? "http" : "https";
        this.self = self;
        this.metrics = metrics;
    }

    /**
     * The client side of the listener's own TLS: its certificate chain as the only trust anchors, and its own
     * certificate as the one a peer must present.
     */
    record TlsPeers(SSLContext context, X509TrustManager trustManager, X509Certificate own) {

        boolean presentsOwnCertificate(SSLSession session) {
            try {
                Certificate[] peer = session.getPeerCertificates();
                return peer.length > 0 && peer[0].equals(own);
            } catch (SSLPeerUnverifiedException e) {
                return false;
            }
        }
    }

    static boolean wasForwarded(HttpExchange exchange) {
        return exchange.getRequestHeaders().containsKey(FORWARDED_HEADER);
    }

    /**
     * What {@code peer} answers to a GET of {@code pathAndQuery} (forwarded: the peer answers from its own state only).
     *
     * @throws IOException when it did not answer 200
     */
    byte[] fetch(HostInfo peer, String pathAndQuery) throws IOException {
        byte[] body = fetchIfFound(peer, pathAndQuery);
        if (body == null) {
            throw new IOException(peer.host() + ":" + peer.port() + " answered 404");
        }
        return body;
    }

    /**
     * What {@code peer} answers to a GET of {@code pathAndQuery}, or null when it answers 404 (it holds no such key).
     *
     * @throws IOException when it answered anything else but 200, or more than {@value #MAX_BODY} bytes
     */
    byte[] fetchIfFound(HostInfo peer, String pathAndQuery) throws IOException {
        Request request = new Request.Builder().url(scheme + "://" + peer.host() + ":" + peer.port() + pathAndQuery)
                .get().header(FORWARDED_HEADER, self).build();
        int status;
        byte[] body;
        try (Response response = client.newCall(request).execute()) {
            try (InputStream in = response.body().byteStream()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            status = response.code();
        } catch (IOException e) {
            metrics.counter("elephant.query.forwarded", "outcome", "unreachable").increment();
            throw e;
        }
        metrics.counter("elephant.query.forwarded", "outcome", String.valueOf(status)).increment();
        if (status == 404) {
            return null;
        }
        if (status != 200 || body.length > MAX_BODY) {
            throw new IOException(peer.host() + ":" + peer.port() + " answered " + status
                    + (body.length > MAX_BODY ? " with over " + MAX_BODY + " bytes" : ""));
        }
        return body;
    }

    /** Answers {@code exchange} with what {@code owner} answers to the same GET. */
    void forward(HttpExchange exchange, HostInfo owner) throws IOException {
        String target = scheme + "://" + owner.host() + ":" + owner.port() + exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        Request request = new Request.Builder().url(target).get().header(FORWARDED_HEADER, self).build();
        int status;
        byte[] body;
        try (Response response = client.newCall(request).execute()) {
            try (InputStream in = response.body().byteStream()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            if (body.length > MAX_BODY) {
                throw new IOException("answer over " + MAX_BODY + " bytes");
            }
            status = response.code();
            for (String header : new String[] {"Content-Type", "Location", "Retry-After"}) {
                String value = response.header(header);
                if (value != null) {
                    exchange.getResponseHeaders().set(header, value);
                }
            }
        } catch (IOException e) {
            metrics.counter("elephant.query.forwarded", "outcome", "unreachable").increment();
            exchange.getResponseHeaders().set("Retry-After", "1");
            Responses.error(exchange, 503, "owner-unreachable", "the instance serving this key, " + owner.host() + ":"
                    + owner.port() + ", did not answer: " + e.getMessage());
            return;
        }
        metrics.counter("elephant.query.forwarded", "outcome", String.valueOf(status)).increment();
        exchange.getResponseHeaders().set("X-Elephant-Answered-By", owner.host() + ":" + owner.port());
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }
}
