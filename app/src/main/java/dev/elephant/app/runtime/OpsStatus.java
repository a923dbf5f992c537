package dev.elephant.app.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * What {@code GET /v1/status} answers and the operations page's health panel shows: the numbers behind health — Kafka
 * Streams' state and whether a replay still catches up with the log, the DNS sink's lag and open intents, the last
 * zone reconciliation and what it repaired, the provider's request budget and how often it said to wait — read from
 * the same meters {@code /metrics} serves, so the page and a Prometheus scrape never disagree. Sampled every
 * {@link #EVERY} for the last hour, so the page can draw each as a line over time.
 */
public final class OpsStatus {

    static final Duration EVERY = Duration.ofSeconds(10);
    static final int SAMPLES = 360;

    private final MeterRegistry registry;
    private final Supplier<String> streamsState;
    private final Clock clock;
    private final Deque<Sample> history = new ArrayDeque<>();
    private double lastApplied = Double.NaN;
    private double lastIngested = Double.NaN;
    private double lastLimited = Double.NaN;

    /** One point of the last hour; the rates are per sample interval (changes applied, events taken, waits asked). */
    public record Sample(Instant time, double sinkLag, double openIntents, double budgetUsed, double applied,
                         double ingested, double rateLimited) {}

    /** Samples every {@link #EVERY} from now until the closer stops it. */
    static OpsStatus start(MeterRegistry registry, Supplier<String> streamsState, Clock clock, Closer closer) {
        OpsStatus status = new OpsStatus(registry, streamsState, clock);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "elephant-ops-status");
            t.setDaemon(true);
            return t;
        });
        closer.register(sampler::shutdownNow);
        sampler.scheduleAtFixedRate(() -> {
            try {
                status.sample();
            } catch (RuntimeException e) {
                // a meter that failed to read: this sample is missing, the next one is taken
                LoggerFactory.getLogger(OpsStatus.class).warn("status sample skipped: {}", e.toString());
            }
        }, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return status;
    }

    OpsStatus(MeterRegistry registry, Supplier<String> streamsState, Clock clock) {
        this.registry = registry;
        this.streamsState = streamsState;
        this.clock = clock;
    }

    /** The numbers now, and the last hour's samples. */
    public synchronized Map<String, Object> now() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("time", clock.instant().toString());
        Map<String, Object> streams = new LinkedHashMap<>();
        streams.put("state", streamsState.get());
        // a replay still reading the log through, before it runs live (its DNS sink waits for that)
        streams.put("catchingUp", gauge(StreamsRuntime.CATCHING_UP) == 1);
        body.put("streams", streams);
        Map<String, Object> sink = new LinkedHashMap<>();
        sink.put("lag", number(gauge("elephant.dns.sink.lag")));
        sink.put("openIntents", number(gauge("elephant.dns.intents.open")));
        sink.put("reconciliationAgeSeconds", number(gauge("elephant.dns.reconciliation.age")));
        sink.put("repairedLastReconciliation", number(gauge("elephant.dns.reconciliation.repaired")));
        sink.put("applied", number(applied()));
        body.put("dnsSink", sink);
        Map<String, Object> provider = new LinkedHashMap<>();
        Gauge limit = registry.find("elephant.provider.budget.limit").gauge();
        provider.put("name", limit == null ? null : limit.getId().getTag("provider"));
        provider.put("budgetLimit", number(gauge("elephant.provider.budget.limit")));
        provider.put("budgetUsed", number(gauge("elephant.provider.budget.used")));
        provider.put("requests", number(counter(registry.find("elephant.provider.requests"))));
        provider.put("rateLimited", number(rateLimited()));
        body.put("provider", provider);
        body.put("ingested", number(ingested()));
        body.put("history", new ArrayList<>(history));
        return body;
    }

    /** Takes one sample (every {@link #EVERY}); the oldest goes once there are {@link #SAMPLES}. */
    synchronized void sample() {
        double applied = applied();
        double ingested = ingested();
        double limited = rateLimited();
        history.addLast(new Sample(clock.instant(), orZero(gauge("elephant.dns.sink.lag")),
                orZero(gauge("elephant.dns.intents.open")), orZero(gauge("elephant.provider.budget.used")),
                delta(applied, lastApplied), delta(ingested, lastIngested), delta(limited, lastLimited)));
        lastApplied = applied;
        lastIngested = ingested;
        lastLimited = limited;
        while (history.size() > SAMPLES) {
            history.removeFirst();
        }
    }

    List<Sample> history() {
        synchronized (this) {
            return new ArrayList<>(history);
        }
    }

    /** DNS changes applied since start. */
    private double applied() {
        return counter(registry.find("elephant.dns.mutations").tag("outcome", "applied"));
    }

    /** Events taken (both ingest endpoints) since start. */
    private double ingested() {
        return counter(registry.find("elephant.ingest.events").tag("outcome", "accepted"));
    }

    /** Times the DNS provider said to wait since start. */
    private double rateLimited() {
        return counter(registry.find("elephant.provider.rate.limited"));
    }

    private double gauge(String name) {
        double sum = Double.NaN;
        for (Gauge g : registry.find(name).gauges()) {
            double v = g.value();
            if (!Double.isNaN(v)) {
                sum = Double.isNaN(sum) ? v : sum + v;
            }
        }
        return sum;
    }

    private static double counter(Search search) {
        double sum = 0;
        for (Counter c : search.counters()) {
            sum += c.count();
        }
        for (FunctionCounter c : search.functionCounters()) {
            sum += c.count();
        }
        return sum;
    }

    private static double delta(double now, double before) {
        return Double.isNaN(before) ? 0 : Math.max(0, now - before);
    }

    private static double orZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    /** A whole number as such in JSON, null when not known (NaN). */
    private static Object number(double v) {
        if (Double.isNaN(v)) {
            return null;
        }
        return v == Math.rint(v) ? (Object) (long) v : (Object) v;
    }
}
