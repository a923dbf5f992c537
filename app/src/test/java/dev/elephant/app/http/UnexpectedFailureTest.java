package dev.elephant.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.topology.common.TopologyConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A handler failing in a way it did not expect answers 500 with a JSON error, never a dropped connection. */
class UnexpectedFailureTest {

    @Test
    void anUnexpectedFailureIsAnswered500AndTheListenerKeepsServing() throws Exception {
        try (HttpApi ops = HttpApi.bind("ops", "127.0.0.1", 0, null, null)) {
            ops.serveStatus(() -> {
                throw new IllegalStateException("a bug");
            });
            ops.serveOps(null, "127.0.0.1:0", TopologyConfig.defaults("elephant.test"), Map::of, Map::of,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            HttpClient http = HttpClient.newHttpClient();
            URI status = URI.create("http://127.0.0.1:" + ops.port() + "/v1/status");
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(status).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).contains("\"error\":\"internal-error\"").contains("IllegalStateException")
                    .doesNotContain("a bug");
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port()
                    + "/v1/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        }
    }
}
