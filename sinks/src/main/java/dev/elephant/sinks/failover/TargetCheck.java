package dev.elephant.sinks.failover;

import dev.elephant.events.FailoverName;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Checks one address as a failover declaration says: a TCP connection that opens, or an HTTP(S) GET that answers a
 * status in the range and, when asked, a body containing the string. Every failure says what was seen, in the words
 * an operator would use ({@code connection refused}, {@code timed out after 2000 ms}, {@code HTTP 503},
 * {@code body lacks "ok"}).
 *
 * <p>As Route 53's health checks do (and for the same reason: targets are addressed by IP, often with a private
 * or self-signed certificate), an HTTPS check does not validate the certificate: it checks that the service answers,
 * not who it is. Redirects are not followed: a 3xx is the answer, judged by the status range.
 */
final class TargetCheck {

    /** What one check saw. */
    record Outcome(boolean ok, String detail, long latencyMs) {}

    private final OkHttpClient http;

    TargetCheck() {
        this.http = new OkHttpClient.Builder()
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .sslSocketFactory(trustingContext().getSocketFactory(), TRUST_ANY)
                .hostnameVerifier((host, session) -> true)
                .build();
    }

    Outcome run(FailoverName.Check check, String address, Duration timeout) {
        long started = System.nanoTime();
        try {
            String seen = check.isHttp() ? http(check, address, timeout) : tcp(check.port(), address, timeout);
            long ms = elapsed(started);
            return seen == null ? new Outcome(true, (check.isHttp() ? "answered" : "connected") + " in " + ms + " ms", ms)
                    : new Outcome(false, seen, ms);
        } catch (java.io.InterruptedIOException e) { // a socket timeout, or OkHttp's call timeout
            return new Outcome(false, "timed out after " + timeout.toMillis() + " ms", elapsed(started));
        } catch (ConnectException e) {
            return new Outcome(false, "connection refused", elapsed(started));
        } catch (NoRouteToHostException e) {
            return new Outcome(false, "no route to host", elapsed(started));
        } catch (IOException e) {
            return new Outcome(false, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
                    + e.getMessage()), elapsed(started));
        }
    }

    /** @return null when the connection opened, else what went wrong */
    private static String tcp(int port, String address, Duration timeout) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), (int) Math.max(1, timeout.toMillis()));
            return null;
        }
    }

    /** @return null when the answer passed, else why not */
    private String http(FailoverName.Check check, String address, Duration timeout) throws IOException {
        OkHttpClient client = http.newBuilder().callTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).build();
        Request request = new Request.Builder()
                .url(check.type() + "://" + address + ":" + check.port() + check.path())
                .header("User-Agent", "Elephant-Failover-Check")
                .get().build();
        try (Response response = client.newCall(request).execute()) {
            if (!check.accepts(response.code())) {
                return "HTTP " + response.code() + " (expected " + check.status() + ")";
            }
            if (check.body() != null) {
                ResponseBody body = response.body();
                byte[] head;
                try (InputStream in = body.byteStream()) {
                    head = in.readNBytes(FailoverName.BODY_SEARCHED_BYTES);
                }
                if (!new String(head, StandardCharsets.ISO_8859_1).contains(check.body())) {
                    return "HTTP " + response.code() + ", but the first " + FailoverName.BODY_SEARCHED_BYTES
                            + " bytes of the body lack \"" + check.body() + "\"";
                }
            }
            return null;
        }
    }

    private static long elapsed(long started) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    private static final X509TrustManager TRUST_ANY = new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // not a server
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // a health check asks whether the service answers, not who it is (Route 53's checks do the same)
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };

    private static SSLContext trustingContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {TRUST_ANY}, new SecureRandom());
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }
}
