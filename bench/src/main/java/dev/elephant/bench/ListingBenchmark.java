package dev.elephant.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elephant.app.dev.DevStack;
import dev.elephant.app.runtime.ElephantSettings;
import dev.elephant.events.InstanceEvent;
import dev.elephant.events.Json;
import dev.elephant.events.Topics;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The operations page's listings at fleet size: {@code instances} running instances in Elephant's table (their events
 * written straight to {@code instance-events}, as the connector writes them), then the listing endpoints the page and
 * {@code elephant hosts} read, timed: one page of 200 from the start and from the middle (what the page asks every
 * 2 s), and a walk through every page.
 *
 * <p>{@code bench/run listing [instances]}: default 100,000. The dev stack writes to its Route 53 stand-in (a Free
 * Cloudflare zone holds 200 records); the sink is still writing the records while the listings are timed.
 */
public final class ListingBenchmark {

    private static final String KEY = "bench-listing-key";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        int instances = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        DevStack.Options options = BenchStack.options("listing", KEY)
                .withProvider(ElephantSettings.DnsProviderKind.ROUTE53);
        try (DevStack stack = DevStack.start(options)) {
            URI ops = stack.opsUrl();
            long written = System.nanoTime();
            produce(stack.bootstrapServers(), new Topics("elephant."), instances);
            // Every instance in the table: a walk of the whole listing finds them all.
            while (walk(ops, "/v1/instances", "instances", 2000).size() < instances) {
                Thread.sleep(2000);
            }
            System.out.printf(Locale.ROOT, "%,d instances in the table %.1f s after the first event was written%n",
                    instances, (System.nanoTime() - written) / 1e9);
            String middle = String.format(Locale.ROOT, "i-%017x", 0x2000000000L + instances / 2);
            List<Double> first = time(20, () -> get(ops, "/v1/instances?limit=200"));
            List<Double> deep = time(20, () -> get(ops, "/v1/instances?limit=200&after=" + middle));
            long t0 = System.nanoTime();
            int walked200 = walk(ops, "/v1/instances", "instances", 200).size();
            double walk200 = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            int walked2000 = walk(ops, "/v1/instances", "instances", 2000).size();
            double walk2000 = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            int records = walk(ops, "/v1/records", "records", 2000).size();
            double walkRecords = (System.nanoTime() - t0) / 1e9;
            System.out.println();
            System.out.printf(Locale.ROOT, "Listings over %,d running instances (3 partitions, one Elephant instance)%n",
                    instances);
            System.out.println("| instances | first page of 200: p50 | max | page of 200 from the middle: p50 | max "
                    + "| every page of 200 | every page of 2000 | /v1/records, pages of 2000 (records listed) |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
            System.out.printf(Locale.ROOT, "| %,d | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.1f s (%,d) | %.1f s (%,d) "
                            + "| %.1f s (%,d) |%n", instances, first.get(first.size() / 2), first.get(first.size() - 1),
                    deep.get(deep.size() / 2), deep.get(deep.size() - 1), walk200, walked200, walk2000, walked2000,
                    walkRecords, records);
        }
        System.exit(0);
    }

    private static void produce(String bootstrap, Topics topics, int instances) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "linger.ms", 20, "batch.size", 262_144, "compression.type", "lz4"), new StringSerializer(),
                new ByteArraySerializer())) {
            Instant now = Instant.now();
            for (int i = 0; i < instances; i++) {
                String id = String.format(Locale.ROOT, "i-%017x", 0x2000000000L + i);
                String eventId = id + "-running";
                InstanceEvent e = new InstanceEvent(1, eventId, eventId, InstanceEvent.SOURCE_EC2, id, "running", now,
                        "198.18." + (i / 250 % 250) + "." + (i % 250 + 1), "10.0.0.1", Map.of("Project", "Elephant"),
                        true, null, null, false);
                producer.send(new ProducerRecord<>(topics.instanceEvents(), null, now.toEpochMilli(), id,
                        Json.toBytes(e)));
            }
            producer.flush();
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static List<Double> time(int times, Call call) throws Exception {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            long t0 = System.nanoTime();
            call.run();
            ms.add((System.nanoTime() - t0) / 1e6);
        }
        Collections.sort(ms);
        return ms;
    }

    private static JsonNode get(URI ops, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(ops.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return Json.mapper().readTree(r.body());
    }

    /** Every item of a listing, page by page. */
    private static List<String> walk(URI ops, String path, String field, int limit) throws Exception {
        List<String> all = new ArrayList<>();
        String after = null;
        do {
            JsonNode page;
            try {
                page = get(ops, path + "?limit=" + limit + (after == null ? ""
                        : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8)));
            } catch (IllegalStateException notYet) {
                return all; // 503 while Streams is (re)assigning: the caller asks again
            }
            page.path(field).forEach(n -> all.add(n.toString()));
            after = page.path("next").isTextual() ? page.path("next").asText() : null;
        } while (after != null);
        return all;
    }
}
