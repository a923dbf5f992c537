package dev.elephant.sinks.dns.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elephant.events.Secret;
import dev.elephant.sinks.dns.cloudflare.CloudflareProvider;
import dev.elephant.standins.cloudflare.CloudflareStandIn;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Readiness follows the provider: failing after a grace period of retryable errors, healthy at the first answer. */
class HealthTrackingProviderTest {

    private static final String ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
    private Instant now = Instant.parse("2026-11-23T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private CloudflareStandIn cf;
    private HealthTrackingProvider provider;

    @BeforeEach
    void start() throws Exception {
        cf = CloudflareStandIn.start(CloudflareStandIn.Settings.freePlan("127.0.0.1", 0, 0, ZONE, "elephant.test", "t",
                null));
        provider = new HealthTrackingProvider(new CloudflareProvider(cf.apiBaseUrl(), ZONE, Secret.of("t")), clock);
    }

    @AfterEach
    void stop() {
        cf.close();
    }

    @Test
    void failingOnlyAfterTheGracePeriodAndHealthyAgainAtTheFirstAnswer() throws Exception {
        cf.injectFault(503, 2);
        assertThatThrownBy(() -> provider.recordsAt("a.elephant.test")).isInstanceOf(ProviderException.class);
        assertThat(provider.failingFor(Duration.ofSeconds(60))).isEmpty();

        now = now.plusSeconds(61);
        assertThatThrownBy(() -> provider.recordsAt("a.elephant.test")).isInstanceOf(ProviderException.class);
        assertThat(provider.failingFor(Duration.ofSeconds(60))).hasValueSatisfying(
                s -> assertThat(s).startsWith("failing for 61 s").contains("503"));

        provider.recordsAt("a.elephant.test");
        assertThat(provider.failingFor(Duration.ZERO)).isEmpty();
    }

    @Test
    void aProviderRefusingEveryCallIsReportedAtOnceWithItsCause() throws Exception {
        cf.rotateToken("another-token"); // the token Elephant holds is refused from now on
        assertThatThrownBy(() -> provider.recordsAt("a.elephant.test")).isInstanceOf(ProviderException.class);

        assertThat(provider.problem(Duration.ofSeconds(60))).as("no grace: waiting will not mend it")
                .hasValueSatisfying(p -> assertThat(p).startsWith("refusing every write").contains("10000"));

        cf.rotateToken("t");
        provider.recordsAt("a.elephant.test");
        assertThat(provider.problem(Duration.ZERO)).isEmpty();
    }
}
