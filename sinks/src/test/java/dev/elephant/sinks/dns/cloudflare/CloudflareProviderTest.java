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
        assertThat(updated.comment()).isEqualTo("managed-by=elephant owner=dev");

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
        assertThat(smallPages.recordsWithComment("MANAGED-BY=elephant owner=dev")).hasSize(60);
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
    void badTokenIsPermanentAndTheTokenAppearsInNoMessage() {
        CloudflareProvider wrong = new CloudflareProvider(cf.apiBaseUrl(), ZONE, Secret.of("wrong-" + TOKEN));
        assertThatThrownBy(() -> wrong.recordsAt(NAME))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
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
}
