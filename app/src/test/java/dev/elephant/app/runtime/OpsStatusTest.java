package dev.elephant.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** GET /v1/status says what the meters say, and keeps the last hour of them, a sample every 10 s. */
class OpsStatusTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger lag = new AtomicInteger(7);

    @Test
    void theStatusIsWhatTheMetersSayAndItsHistoryCountsPerSample() {
        Gauge.builder("elephant.dns.sink.lag", lag, AtomicInteger::get).register(registry);
        Gauge.builder("elephant.provider.budget.limit", () -> 1000).tag("provider", "cloudflare").register(registry);
        Counter applied = Counter.builder("elephant.dns.mutations").tag("outcome", "applied").tag("action", "create")
                .register(registry);
        Counter.builder("elephant.dns.mutations").tag("outcome", "failed").tag("action", "create").register(registry)
                .increment(5);
        OpsStatus status = new OpsStatus(registry, () -> "RUNNING",
                Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC));
        applied.increment(3);
        status.sample();
        applied.increment(2);
        lag.set(0);
        status.sample();

        Map<String, Object> now = status.now();
        assertThat(now.get("streams")).isEqualTo(Map.of("state", "RUNNING", "catchingUp", false));
        @SuppressWarnings("unchecked")
        Map<String, Object> sink = (Map<String, Object>) now.get("dnsSink");
        assertThat(sink.get("lag")).isEqualTo(0L);
        assertThat(sink.get("applied")).as("only applied outcomes").isEqualTo(5L);
        assertThat(sink.get("openIntents")).as("no such meter: not known").isNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> provider = (Map<String, Object>) now.get("provider");
        assertThat(provider.get("name")).isEqualTo("cloudflare");
        assertThat(provider.get("budgetLimit")).isEqualTo(1000L);
        List<OpsStatus.Sample> history = status.history();
        assertThat(history).extracting(OpsStatus.Sample::sinkLag).containsExactly(7.0, 0.0);
        assertThat(history).extracting(OpsStatus.Sample::applied).as("per sample, the first a baseline")
                .containsExactly(0.0, 2.0);
    }

    @Test
    void theHistoryKeepsTheLastHour() {
        OpsStatus status = new OpsStatus(registry, () -> "RUNNING", Clock.systemUTC());
        for (int i = 0; i < OpsStatus.SAMPLES + 25; i++) {
            status.sample();
        }
        assertThat(status.history()).hasSize(OpsStatus.SAMPLES);
    }
}
