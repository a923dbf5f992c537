package dev.elephant.connector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A storm of 401s (EventBridge does not retry them) is counted, logged at WARN with a count, and reported. */
class RefusedCallersTest {

    private Instant now = Instant.parse("2026-11-22T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(RefusedCallers.class);

    @BeforeEach
    void capture() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logged);
    }

    @Test
    void aStormOf401sIsCountedLoggedOnceAMinuteWithItsCountAndReportedUntilItStops() {
        RefusedCallers refused = new RefusedCallers(clock, metrics);
        assertThat(refused.problem()).isEmpty();

        for (int i = 0; i < 50; i++) {
            refused.refused("eventbridge", "missing or wrong X-Elephant-Key");
            now = now.plusSeconds(2);
        }

        assertThat(metrics.counter("elephant.ingest.unauthorized", "source", "eventbridge").count()).isEqualTo(50);
        assertThat(logged.list).as("one WARN a minute, not one per request").hasSize(2)
                .allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.WARN));
        assertThat(logged.list.get(1).getFormattedMessage()).startsWith("30 request(s) to eventbridge refused with 401");
        assertThat(refused.problem()).hasValueSatisfying(p -> assertThat(p).contains("refused with 401"));

        now = now.plus(Duration.ofMinutes(6));
        assertThat(refused.problem()).isEmpty();
    }
}
