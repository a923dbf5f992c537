package dev.elephant.standins.cloudflare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elephant.events.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The Cloudflare stand-in is strict: it refuses what Cloudflare refuses, with Cloudflare's codes. */
class CloudflareStandInTest {

    private static final String ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353";
    private static final String TOKEN = "test-token";
    private final HttpClient http = HttpClient.newHttpClient();
    private CloudflareStandIn cf;

    @BeforeEach
    void start() throws IOException {
        cf = CloudflareStandIn.start(new CloudflareStandIn.Settings("127.0.0.1", 0, 0, ZONE_ID, "elephant.test", TOKEN, null,
                3, 100, 1200, 300_000, 200));
    }

    @AfterEach
    void stop() {
        cf.close();
    }

    private record Answer(int status, JsonNode body) {}

    private Answer call(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cf.apiBaseUrl() + "/zones/" + ZONE_ID + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), Json.mapper().readTree(r.body()));
    }

    private Answer create(String name, String content) throws Exception {
        return call("POST", "/dns_records",
                "{\"type\":\"A\",\"name\":\"" + name + "\",\"content\":\"" + content + "\",\"ttl\":60,\"comment\":\"c\"}", TOKEN);
    }

    private static int firstErrorCode(Answer a) {
        return a.body().get("errors").get(0).get("code").asInt();
    }

    @Test
    void createdRecordIsListedByNameAndAnsweredOverDns() throws Exception {
        Answer created = create("i-0123456789abcdef0.elephant.test", "198.18.0.7");
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.body().get("success").asBoolean()).isTrue();

        Answer listed = call("GET", "/dns_records?name=i-0123456789abcdef0.elephant.test&type=A", null, TOKEN);
        assertThat(listed.body().get("result")).hasSize(1);
        assertThat(listed.body().get("result_info").get("total_count").asInt()).isEqualTo(1);

        SimpleResolver resolver = new SimpleResolver(InetAddress.getLoopbackAddress());
        resolver.setPort(cf.dnsPort());
        Message answer = resolver.send(Message.newQuery(Record.newRecord(
                Name.fromString("i-0123456789abcdef0.elephant.test."), Type.A, DClass.IN)));
        assertThat(answer.getSection(Section.ANSWER)).hasSize(1);
        assertThat(((ARecord) answer.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress()).isEqualTo("198.18.0.7");

        Message missing = resolver.send(Message.newQuery(Record.newRecord(
                Name.fromString("i-00000000000000000.elephant.test."), Type.A, DClass.IN)));
        assertThat(missing.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void aLatencyHoldsEveryAnswerThatLong() throws Exception {
        cf.latency(java.time.Duration.ofMillis(300));
        long start = System.nanoTime();
        assertThat(call("GET", "/dns_records", null, TOKEN).status()).isEqualTo(200);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300);
        cf.latency(java.time.Duration.ZERO);
    }

    @Test
    void identicalRecordIsRefusedWith81058() throws Exception {
        create("a.elephant.test", "198.18.0.1");
        Answer again = create("a.elephant.test", "198.18.0.1");
        assertThat(again.status()).isEqualTo(400);
        assertThat(firstErrorCode(again)).isEqualTo(81058);
    }

    @Test
    void deletingAMissingRecordIs81044() throws Exception {
        Answer r = call("DELETE", "/dns_records/0000", null, TOKEN);
        assertThat(r.status()).isEqualTo(404);
        assertThat(firstErrorCode(r)).isEqualTo(81044);
    }

    @Test
    void wrongTokenIsAnAuthenticationError() throws Exception {
        Answer r = call("GET", "/dns_records", null, "nope");
        assertThat(r.status()).isEqualTo(403);
        assertThat(firstErrorCode(r)).isEqualTo(10000);
    }

    @Test
    void invalidNameOrContentIsAValidationError() throws Exception {
        assertThat(firstErrorCode(create("a/b.elephant.test", "198.18.0.1"))).isEqualTo(1004);
        assertThat(firstErrorCode(create("x".repeat(64) + ".elephant.test", "198.18.0.1"))).isEqualTo(1004);
        assertThat(firstErrorCode(create("b.elephant.test", "not-an-ip"))).isEqualTo(1004);
        assertThat(cf.records()).isEmpty();
    }

    @Test
    void zoneQuotaIsAClearError() throws Exception {
        create("a.elephant.test", "198.18.0.1");
        create("b.elephant.test", "198.18.0.2");
        create("c.elephant.test", "198.18.0.3");
        Answer r = create("d.elephant.test", "198.18.0.4");
        assertThat(firstErrorCode(r)).isEqualTo(81045);
    }

    @Test
    void everyAnswerCarriesTheRateLimitHeaders() throws Exception {
        HttpResponse<String> first = list();
        HttpResponse<String> second = list();

        assertThat(first.headers().firstValue("Ratelimit")).hasValueSatisfying(v -> assertThat(v).matches(
                "\"default\";r=1199;t=(300|299)"));
        assertThat(second.headers().firstValue("Ratelimit")).hasValueSatisfying(v -> assertThat(v).startsWith(
                "\"default\";r=1198;"));
        assertThat(first.headers().firstValue("Ratelimit-Policy")).contains("\"default\";q=1200;w=300");
        assertThat(first.headers().firstValue("Retry-After")).isEmpty();
    }

    @Test
    void goingOverTheLimitBlocksEveryCallForAWholeWindow() throws Exception {
        cf.close();
        cf = CloudflareStandIn.start(new CloudflareStandIn.Settings("127.0.0.1", 0, 0, ZONE_ID, "elephant.test", TOKEN,
                null, 3, 100, 3, 4_000, 200));
        for (int i = 0; i < 3; i++) {
            assertThat(list().statusCode()).isEqualTo(200);
        }
        Thread.sleep(2_000);
        HttpResponse<String> over = list();
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(over.headers().firstValue("Retry-After")).contains("4");
        assertThat(over.headers().firstValue("Ratelimit")).hasValueSatisfying(v -> assertThat(v).contains(";r=0;"));
        assertThat(cf.isRateLimitBlocked()).isTrue();

        Thread.sleep(2_300); // the first three calls left the window, but the block lasts a window from the excess
        assertThat(list().statusCode()).isEqualTo(429);

        Thread.sleep(2_000);
        assertThat(list().statusCode()).isEqualTo(200);
        assertThat(cf.isRateLimitBlocked()).isFalse();
    }

    private HttpResponse<String> list() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(cf.apiBaseUrl() + "/zones/" + ZONE_ID + "/dns_records"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void injectedFaultsAnswerBeforeAnythingHappens() throws Exception {
        cf.injectFault(429, 1);
        Answer limited = create("a.elephant.test", "198.18.0.1");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(firstErrorCode(limited)).isEqualTo(971);
        assertThat(cf.records()).isEmpty();
        assertThat(create("a.elephant.test", "198.18.0.1").status()).isEqualTo(200);
    }

    /**
     * A test that counts the provider's changes right after an answer arrived must find that request
     * counted: the log is written before the answer leaves, not after (a race a loaded machine lost).
     */
    @Test
    void aWriteIsCountedByTheTimeItsAnswerArrives() throws Exception {
        long writes = 0;
        for (int i = 1; i <= 50; i++) {
            Answer created = i % 2 == 0 ? create("n.elephant.test", "198.18.0.1")
                    : call("POST", "/dns_records/batch", "{\"posts\":[{\"type\":\"A\",\"name\":\"n.elephant.test\","
                            + "\"content\":\"198.18.0.1\",\"ttl\":60}]}", TOKEN);
            assertThat(created.status()).as(created.body().toString()).isEqualTo(200);
            assertThat(cf.changesApplied()).as("after write %d", ++writes).isEqualTo(writes);
            String id = i % 2 == 0 ? created.body().at("/result/id").asText()
                    : created.body().at("/result/posts/0/id").asText();
            assertThat(call("DELETE", "/dns_records/" + id, null, TOKEN).status()).isEqualTo(200);
            assertThat(cf.changesApplied()).as("after write %d", ++writes).isEqualTo(writes);
        }
        assertThat(cf.requestLog()).hasSize(100);
    }

    @Test
    void batchIsAllOrNothing() throws Exception {
        create("a.elephant.test", "198.18.0.1");
        Answer r = call("POST", "/dns_records/batch", "{\"posts\":["
                + "{\"type\":\"A\",\"name\":\"b.elephant.test\",\"content\":\"198.18.0.2\",\"ttl\":60},"
                + "{\"type\":\"A\",\"name\":\"a.elephant.test\",\"content\":\"198.18.0.1\",\"ttl\":60}]}", TOKEN);
        assertThat(r.status()).isEqualTo(400);
        assertThat(firstErrorCode(r)).isEqualTo(81058);
        assertThat(cf.records()).extracting(DnsRecord::name).containsExactly("a.elephant.test");
    }

    @Test
    void batchRunsDeletesBeforePosts() throws Exception {
        String id = create("a.elephant.test", "198.18.0.1").body().get("result").get("id").asText();
        Answer r = call("POST", "/dns_records/batch", "{\"deletes\":[{\"id\":\"" + id + "\"}],\"posts\":["
                + "{\"type\":\"A\",\"name\":\"a.elephant.test\",\"content\":\"198.18.0.1\",\"ttl\":60}]}", TOKEN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("result").get("deletes").get(0).get("id").asText()).isEqualTo(id);
        assertThat(r.body().get("result").get("posts").get(0).get("id").asText()).isNotEqualTo(id);
        assertThat(cf.records()).hasSize(1);
    }

    @Test
    void batchOverThePlansLimitIsRefused() throws Exception {
        StringBuilder posts = new StringBuilder();
        for (int i = 0; i < 201; i++) {
            posts.append(i == 0 ? "" : ",").append("{\"type\":\"TXT\",\"name\":\"t.elephant.test\",\"content\":\"")
                    .append(i).append("\"}");
        }
        cf.close();
        cf = CloudflareStandIn.start(new CloudflareStandIn.Settings("127.0.0.1", 0, 0, ZONE_ID, "elephant.test", TOKEN,
                null, 3500, 100, 1200, 300_000, 200));
        Answer r = call("POST", "/dns_records/batch", "{\"posts\":[" + posts + "]}", TOKEN);
        assertThat(firstErrorCode(r)).isEqualTo(1004);
        assertThat(cf.records()).isEmpty();
    }

    @Test
    void patchChangesOnlyWhatWasSent() throws Exception {
        String id = create("a.elephant.test", "198.18.0.1").body().get("result").get("id").asText();
        Answer patched = call("PATCH", "/dns_records/" + id, "{\"content\":\"198.18.0.9\"}", TOKEN);
        assertThat(patched.body().get("result").get("content").asText()).isEqualTo("198.18.0.9");
        assertThat(patched.body().get("result").get("comment").asText()).isEqualTo("c");
        assertThat(patched.body().get("result").get("ttl").asInt()).isEqualTo(60);
    }
}
