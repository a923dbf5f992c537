package dev.elephant.connector.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests refused with 401. EventBridge does not retry a 401, so a connection sending a key Elephant does
 * not accept loses every event it carries, silently on its side: Elephant says so, as a WARN with a count
 * at most once a minute (never the key), on the counter {@code elephant.ingest.unauthorized}, and as a
 * problem on the operations health while refusals continue.
 */
public final class RefusedCallers {

    private static final Logger log = LoggerFactory.getLogger(RefusedCallers.class);
    static final Duration LOG_EVERY = Duration.ofMinutes(1);
    /** How long after the last refusal the health still names it. */
    static final Duration REPORTED_FOR = Duration.ofMinutes(5);

    private final Clock clock;
    private final MeterRegistry metrics;
    private long sinceLastLog;
    private Instant lastLog;
    private Instant lastRefusal;
    private String lastSource;

    public RefusedCallers(Clock clock, MeterRegistry metrics) {
        this.clock = clock;
        this.metrics = metrics;
    }

    /** One request refused: {@code source} names the endpoint, {@code what} the credential that was wrong. */
    public void refused(String source, String what) {
        metrics.counter("elephant.ingest.unauthorized", "source", source).increment();
        Instant now = clock.instant();
        long count;
        synchronized (this) {
            sinceLastLog++;
            lastRefusal = now;
            lastSource = source;
            if (lastLog != null && now.isBefore(lastLog.plus(LOG_EVERY))) {
                return;
            }
            count = sinceLastLog;
            sinceLastLog = 0;
            lastLog = now;
        }
        log.warn("{} request(s) to {} refused with 401 ({}) since the last report; EventBridge does not retry a "
                + "401, so each such event is lost: check that the connection sends the key Elephant checks",
                count, source, what);
    }

    /** A problem to report while requests are being refused, empty once none was for a while. */
    public synchronized Optional<String> problem() {
        if (lastRefusal == null || clock.instant().isAfter(lastRefusal.plus(REPORTED_FOR))) {
            return Optional.empty();
        }
        return Optional.of("requests to " + lastSource + " refused with 401, the last at " + lastRefusal);
    }
}
