package dev.elephant.sinks.dns.cloudflare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elephant.events.Secret;
import dev.elephant.sinks.dns.provider.ProviderException;
import dev.elephant.sinks.dns.provider.ProviderRecord;
import dev.elephant.sinks.dns.provider.RecordSpec;
import dev.elephant.standins.cloudflare.CloudflareStandIn;
import java.io.IOException;
import dev.elephant.sinks.dns.provider.RecordBatch;
import dev.elephant.sinks.dns.ratelimit.RequestBudget;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Cloudflare provider through OkHttp against the Cloudflare stand-in. */
class CloudflareProviderTest {

    private static final String ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
    private static final String TOKEN = "cf-token-SHOULD-NEVER-SHOW-1234";
    private static final String NAME = "i-0123456789abcdef0.elephant.test";
    private CloudflareStandIn cf;
    private CloudflareProvider provider;

    @BeforeEach
    void start() throws IOException {
        cf = CloudflareStandIn.start(new CloudflareStandIn.Settings("127.0.0.1", 0, 0, ZONE, "elephant.test", TOKEN, null,
                200, 100, 1200, 300_000, 200));
        provider = new CloudflareProvider(cf.apiBaseUrl(), ZONE, Secret.of(TOKEN));
    }

    @AfterEach
    void stop() {
        cf.close();
    }

    private static RecordSpec spec(String content) {
        return new RecordSpec(NAME, "A", content, 60, "managed-by=elephant owner=dev");
    }

    private ProviderRecord create(RecordSpec spec) throws ProviderException {
        return provider.batch(new RecordBatch(List.of(), List.of(), List.of(spec))).posted().get(0);
    }

    @Test
    void createListUpdateDeleteInBatches() throws Exception {
        ProviderRecord created = create(spec("198.18.0.1"));
        assertThat(provider.recordsAt(NAME)).containsExactly(created);

        ProviderRecord updated = provider.batch(new RecordBatch(List.of(),
                List.of(new RecordBatch.Patch(created, spec("198.18.0.2"))), List.of())).patched().get(0);
        assertThat(updated.content()).isEqualTo("198.18.0.2");
        assertThat(updated.mark()).isEqualTo("managed-by=elephant owner=dev");

        provider.batch(new RecordBatch(List.of(updated), List.of(), List.of()));
        assertThat(provider.recordsAt(NAME)).isEmpty();
    }

    @Test
    void listingFollowsEveryPage() throws Exception {
        for (int i = 1; i <= 120; i++) {
            cf.createForeignRecord(NAME, "TXT", "t" + i, i % 2 == 0 ? "managed-by=elephant owner=dev" : null);
        }
        CloudflareProvider smallPages = new CloudflareProvider(cf.apiBaseUrl(), ZONE, Secret.of(TOKEN), 50, null);
        assertThat(smallPages.recordsAt(NAME)).hasSize(120);
        assertThat(smallPages.recordsMarked("MANAGED-BY=elephant owner=dev")).hasSize(60);
    }

    /**
     * Other users of the token spent most of its window; Elephant's own count cannot know. The
     * provider's Ratelimit header tells it, and Elephant waits for the reset instead of spending the
     * others' part and running the token into the provider's block.
     */
    @Test
    void otherUsersOfTheTokenAreLeftTheirPartAndTheTokenIsNeverBlocked() throws Exception {
        cf.close();
        cf = CloudflareStandIn.start(new CloudflareStandIn.Settings("127.0.0.1", 0, 0, ZONE, "elephant.test", TOKEN,
                null, 200, 100, 10, 3_000, 200));
        RequestBudget budget = new RequestBudget(8, Duration.ofSeconds(3), System::nanoTime,
                n -> Thread.sleep(n / 1_000_000, (int) (n % 1_000_000)), w -> { });
        provider = new CloudflareProvider(cf.apiBaseUrl(), ZONE, Secret.of(TOKEN), 100, budget);
        CloudflareProvider otherUser = new CloudflareProvider(cf.apiBaseUrl(), ZONE, Secret.of(TOKEN));
        for (int i = 0; i < 7; i++) {
            otherUser.recordsAt(NAME);
        }

        long start = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            provider.recordsAt(NAME);
        }

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited for the token's window to reset")
                .isGreaterThan(Duration.ofSeconds(1));
        assertThat(cf.requestsAnswered(429)).isZero();
        assertThat(cf.isRateLimitBlocked()).isFalse();
    }

    @Test
    void onAPaidZoneRecordsCarryTheOwnershipTags() throws Exception {
        cf.close();
        cf = CloudflareStandIn.start(CloudflareStandIn.Settings.paidPlan("127.0.0.1", 0, 0, ZONE, "elephant.test",
                TOKEN, null));
        List<String> tags = new dev.elephant.sinks.dns.plan.OwnershipMark("dev").tags();
        provider = new CloudflareProvider(cf.apiBaseUrl(), ZONE, CloudflareToken.fixed(Secret.of(TOKEN)), 100, null,
                tags);

        create(spec("198.18.0.1"));

        assertThat(cf.records()).singleElement().satisfies(r -> assertThat(r.tags())
                .containsExactly("managed-by:elephant", "elephant-owner:dev"));
    }

    @Test
    void onAFreeZoneTagsAreAClearPermanentError() {
        provider = new CloudflareProvider(cf.apiBaseUrl(), ZONE, CloudflareToken.fixed(Secret.of(TOKEN)), 100, null,
                List.of("managed-by:elephant"));

        assertThatThrownBy(() -> create(spec("198.18.0.1")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
                    assertThat(e.getMessage()).contains("1004").contains("9300").contains("exceeding the quota of 0");
                });
        assertThat(cf.records()).isEmpty();
    }

    @Test
    void rateLimitIsRetryableWithTheProvidersRetryAfter() {
        cf.injectFault(429, 1);
        assertThatThrownBy(() -> create(spec("198.18.0.1")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ProviderException.Kind.RETRYABLE);
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(300));
                });
    }

    @Test
    void serverErrorIsRetryable() {
        cf.injectFault(502, 1);
        assertThatThrownBy(() -> provider.recordsAt(NAME))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.RETRYABLE));
    }

    @Test
    void identicalRecordExistingMeansLookAgain() throws Exception {
        create(spec("198.18.0.1"));
        assertThatThrownBy(() -> create(spec("198.18.0.1")))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.ALREADY_DONE));
    }

    @Test
    void badTokenBlocksEveryCallAndTheTokenAppearsInNoMessage() {
        CloudflareProvider wrong = new CloudflareProvider(cf.apiBaseUrl(), ZONE, Secret.of("wrong-" + TOKEN));
        assertThatThrownBy(() -> wrong.recordsAt(NAME))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ProviderException.Kind.BLOCKED);
                    assertThat(e.getMessage()).contains("10000").doesNotContain(TOKEN);
                });
    }

    @Test
    void unreachableProviderIsRetryable() {
        cf.close();
        assertThatThrownBy(() -> provider.recordsAt(NAME))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.RETRYABLE));
    }

    /**
     * A proxy in front of Cloudflare answering 200 with a page of its own: the write may have been
     * carried out, so it is an unknown outcome (settled by looking), never a failure nor a crash.
     */
    @Test
    void aSuccessStatusWithoutACloudflareAnswerIsAnUnknownOutcome() throws Exception {
        for (String body : List.of("<html>ok</html>", "{\"success\":true}", "{\"success\":true,\"result\":"
                + "{\"posts\":[]}}")) {
            com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            server.start();
            try {
                CloudflareProvider behindAProxy = new CloudflareProvider("http://127.0.0.1:" + server.getAddress().getPort()
                        + "/client/v4", ZONE, Secret.of(TOKEN));
                assertThatThrownBy(() -> behindAProxy.batch(new RecordBatch(List.of(), List.of(),
                        List.of(spec("198.51.100.7"))))).as(body)
                        .isInstanceOfSatisfying(ProviderException.class, e -> {
                            assertThat(e.isOutcomeUnknown()).isTrue();
                            assertThat(e.getMessage()).doesNotContain(TOKEN);
                        });
                assertThatThrownBy(() -> behindAProxy.recordsAt(NAME)).as(body)
                        .isInstanceOfSatisfying(ProviderException.class, e -> {
                            assertThat(e.kind()).isEqualTo(ProviderException.Kind.RETRYABLE);
                            assertThat(e.isOutcomeUnknown()).isFalse();
                        });
            } finally {
                server.stop(0);
            }
        }
    }
}
