package dev.elephant.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.elephant.events.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * The design Elephant replaces, as the benchmark's baseline: a function per EventBridge event that asks EC2 about the
 * instance ({@code DescribeInstances} by its id, the SDK's default retries) and, when it runs, creates its record with
 * one Cloudflare call; any failure answers 503, which EventBridge retries. Served over HTTP so the same EventBridge
 * delivery (concurrency, retries, backoff) reaches it as reaches Elephant.
 */
final class SeedLambdas implements AutoCloseable {

    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI records;
    private final String token;
    private volatile Ec2Client ec2;
    private final Map<String, Instant> running = new ConcurrentHashMap<>();
    private final Map<String, Instant> recorded = new ConcurrentHashMap<>();

    private SeedLambdas(HttpServer server, String cloudflareApi, String zoneId, String token) {
        this.server = server;
        this.records = URI.create(cloudflareApi + "/zones/" + zoneId + "/dns_records");
        this.token = token;
    }

    static SeedLambdas start(String cloudflareApi, String zoneId, String token) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        SeedLambdas seed = new SeedLambdas(server, cloudflareApi, zoneId, token);
        server.createContext("/", seed::handle);
        // As many at once as EventBridge sends: each invocation is a function instance of its own.
        server.setExecutor(Executors.newFixedThreadPool(128, r -> {
            Thread t = new Thread(r, "seed-lambda");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return seed;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    void useEc2(URI endpoint) {
        ec2 = Ec2Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("seed", "seed")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(128)).build();
    }

    Map<String, Instant> running() {
        return running;
    }

    Map<String, Instant> recorded() {
        return recorded;
    }

    /** Meetings whose every instance has its record, at the time the last one was created. */
    Map<String, Instant> readyMeetings(Map<String, String> instanceToMeeting) {
        Map<String, Integer> instances = new HashMap<>();
        Map<String, Integer> done = new HashMap<>();
        Map<String, Instant> last = new HashMap<>();
        instanceToMeeting.forEach((id, meeting) -> {
            instances.merge(meeting, 1, Integer::sum);
            Instant at = recorded.get(id);
            if (at != null) {
                done.merge(meeting, 1, Integer::sum);
                last.merge(meeting, at, (a, b) -> a.isAfter(b) ? a : b);
            }
        });
        Map<String, Instant> ready = new HashMap<>();
        instances.forEach((meeting, n) -> {
            if (n.equals(done.get(meeting))) {
                ready.put(meeting, last.get(meeting));
            }
        });
        return ready;
    }

    private void handle(HttpExchange exchange) throws IOException {
        int status;
        try {
            JsonNode event = Json.mapper().readTree(exchange.getRequestBody().readAllBytes());
            status = onEvent(event.path("detail").path("instance-id").asText(), event.path("detail").path("state").asText(),
                    Instant.parse(event.path("time").asText()));
        } catch (RuntimeException | InterruptedException e) {
            status = 503;
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    private int onEvent(String instanceId, String state, Instant time) throws IOException, InterruptedException {
        Instance instance;
        try {
            instance = ec2.describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0).instances().get(0);
        } catch (RuntimeException e) {
            return 503; // throttled past the SDK's retries, or EC2 not knowing the instance yet: EventBridge retries
        }
        if (!"running".equals(state)) {
            return 200;
        }
        running.putIfAbsent(instanceId, time);
        String body = """
                {"type":"A","name":"%s.elephant.test","content":"%s","ttl":60,"proxied":false}"""
                .formatted(instanceId, instance.publicIpAddress());
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(records).timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        // An identical record made by an earlier attempt whose answer was lost counts as made.
        if (answer.statusCode() == 200 || answer.body().contains("\"code\":81058")) {
            recorded.putIfAbsent(instanceId, Instant.now());
            return 200;
        }
        return 503;
    }

    @Override
    public void close() {
        server.stop(0);
        if (ec2 != null) {
            ec2.close();
        }
    }
}
