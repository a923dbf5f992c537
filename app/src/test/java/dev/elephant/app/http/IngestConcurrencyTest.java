package dev.elephant.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.connector.ingest.IngestAuth;
import dev.elephant.connector.ingest.IngestHandler;
import dev.elephant.connector.ingest.IngestResult;
import dev.elephant.connector.ingest.RefusedCallers;
import dev.elephant.events.Secret;
import dev.elephant.topology.common.TopologyConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An ingest request holds a handler thread while its EC2 lookup waits for the paced call (about 100 ms under EC2's
 * request rate): the listener must have threads for as many such requests as the paced calls can answer.
 */
class IngestConcurrencyTest {

    private static final int WAITING = 200;

    @Test
    void requestsWaitingOnTheirLookupDoNotRunOutOfHandlerThreads() throws Exception {
        AtomicInteger waiting = new AtomicInteger();
        CountDownLatch lookupsAnswer = new CountDownLatch(1);
        IngestHandler slowLookup = new IngestHandler(IngestAuth.apiKey("X-Elephant-Key", Secret.of("key")), body -> {
            waiting.incrementAndGet();
            try {
                lookupsAnswer.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return IngestResult.accepted("e-1");
        }, null, "eventbridge", new RefusedCallers(Clock.systemUTC(), new SimpleMeterRegistry()));
        try (HttpApi ops = HttpApi.bind("ops", "127.0.0.1", 0, null, null);
             HttpApi pub = HttpApi.bind("public", "127.0.0.1", 0, null, null)) {
            ops.serveOps(null, "127.0.0.1:0", TopologyConfig.defaults("elephant.test"), Map::of, Map::of,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            pub.servePublic(slowLookup, slowLookup, new HttpApi.FailoverIngestHandlers(slowLookup, slowLookup), ops,
                    Map::of);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pub.port() + "/v1/eventbridge"))
                    .header("X-Elephant-Key", "key").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < WAITING; i++) {
                answers.add(http.sendAsync(post, HttpResponse.BodyHandlers.ofString()));
            }

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (waiting.get() < WAITING && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(waiting.get()).as("requests waiting on their lookup at once").isEqualTo(WAITING);

            lookupsAnswer.countDown();
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                assertThat(answer.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
            }
        }
    }
}
