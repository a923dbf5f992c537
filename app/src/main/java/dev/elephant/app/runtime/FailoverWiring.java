package dev.elephant.app.runtime;

import dev.elephant.app.queries.StateQueries;
import dev.elephant.connector.ingest.EventLog;
import dev.elephant.connector.ingest.KafkaEventLog;
import dev.elephant.events.DesiredRecord;
import dev.elephant.events.FailoverName;
import dev.elephant.events.Json;
import dev.elephant.events.TopicSchemas;
import dev.elephant.sinks.TopicSnapshot;
import dev.elephant.sinks.failover.FailoverChecker;
import dev.elephant.sinks.failover.InstanceAddresses;
import dev.elephant.topology.failover.FailoverState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failover names: the run config's declarations written to {@code failover-names} at start (only what changed; a
 * name the config no longer declares is removed), and the checker that runs the checks of the names whose partitions
 * this instance holds. The decision is the topology's; this reports what it decided for the names held here.
 */
final class FailoverWiring implements HealthCheck {

    private static final Logger log = LoggerFactory.getLogger(FailoverWiring.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private final FailoverChecker checker;
    private final StateQueries queries;

    private FailoverWiring(FailoverChecker checker, StateQueries queries) {
        this.checker = checker;
        this.queries = queries;
    }

    static FailoverWiring start(ElephantSettings s, InstanceAddresses addresses, StateQueries queries, Clock clock,
                                MeterRegistry metrics, Closer closer) throws IOException {
        writeConfigNames(s, clock);
        FailoverChecker checker = closer.register(new FailoverChecker(s.kafka().properties(),
                s.applicationId() + "-failover-checker", s.topics().names().failoverNames(),
                s.topics().names().failoverChecks(), addresses, metrics, clock));
        checker.start();
        FailoverWiring w = new FailoverWiring(checker, queries);
        for (String condition : List.of("primary", "secondary", "both-unhealthy")) {
            Gauge.builder("elephant.failover.names", w, x -> x.count(condition))
                    .description("failover names held here: pointing at their primary, at their secondary, or with "
                            + "both targets failing (the name then stays at its primary)")
                    .tag("condition", condition).register(metrics);
        }
        return w;
    }

    /** The run config's names as they must be on the topic: written where they differ, removed where no longer declared. */
    private static void writeConfigNames(ElephantSettings s, Clock clock) throws IOException {
        String topic = s.topics().names().failoverNames();
        Map<String, FailoverName> onTopic = new HashMap<>();
        try {
            for (ConsumerRecord<String, byte[]> r : TopicSnapshot.readTopic(s.kafka().properties(), topic, READ_TIMEOUT)
                    .records()) {
                if (r.value() == null) {
                    onTopic.remove(r.key());
                } else if (TopicSchemas.problems("failover-names", r.value()).isEmpty()) {
                    onTopic.put(r.key(), Json.fromBytes(r.value(), FailoverName.class));
                }
            }
        } catch (TimeoutException e) {
            throw new IOException("cannot read " + topic + " to write the run config's failover names: "
                    + e.getMessage(), e);
        }
        // What must change, decided first: most starts change nothing and need no producer.
        Map<String, FailoverName> changes = new java.util.LinkedHashMap<>(); // a null value removes the name
        for (FailoverName d : s.failover()) {
            FailoverName current = onTopic.get(d.name());
            if (current == null || !current.declaresSameAs(d) || !FailoverName.SOURCE_CONFIG.equals(current.source())) {
                changes.put(d.name(), d.withId(UUID.randomUUID().toString(), clock.instant()));
            }
        }
        for (FailoverName current : onTopic.values()) {
            boolean stillDeclared = s.failover().stream().anyMatch(d -> d.name().equals(current.name()));
            if (FailoverName.SOURCE_CONFIG.equals(current.source()) && !stillDeclared) {
                changes.put(current.name(), null);
            }
        }
        if (changes.isEmpty()) {
            return;
        }
        try (KafkaEventLog events = new KafkaEventLog(s.kafka().properties())) {
            for (var change : changes.entrySet()) {
                if (change.getValue() != null) {
                    events.append(topic, change.getKey(), Json.toBytes(change.getValue()), WRITE_TIMEOUT);
                    log.info("failover name {} of the run config written", change.getKey());
                } else {
                    events.append(topic, change.getKey(), null,
                            Map.of(DesiredRecord.CAUSE_HEADER, "config-removed-" + UUID.randomUUID()), WRITE_TIMEOUT);
                    log.info("failover name {} is no longer in the run config: removed", change.getKey());
                }
            }
        } catch (EventLog.EventLogUnavailable e) {
            throw new IOException("cannot write the run config's failover names to " + topic + ": " + e.getMessage(), e);
        }
    }

    private double count(String condition) {
        try {
            return queries.localFailover(null, Integer.MAX_VALUE).stream().filter(f -> switch (condition) {
                case "both-unhealthy" -> f.bothUnhealthy();
                default -> !f.bothUnhealthy() && condition.equals(f.current());
            }).count();
        } catch (StateQueries.StoreUnavailable e) {
            return Double.NaN;
        }
    }

    @Override
    public void health(Map<String, String> problems) {
        if (!checker.isAlive()) {
            problems.put("failover", "the failover checker is not running");
            return;
        }
        List<String> down = new ArrayList<>();
        try {
            for (FailoverState f : queries.localFailover(null, Integer.MAX_VALUE)) {
                if (f.bothUnhealthy()) {
                    down.add(f.declaration().name() + " (primary " + last(f, "primary") + "; secondary "
                            + last(f, "secondary") + ")");
                }
            }
        } catch (StateQueries.StoreUnavailable e) {
            return; // the streams check says so
        }
        if (!down.isEmpty()) {
            problems.put("failover", "both targets fail their checks, the name stays at its primary: "
                    + String.join(", ", down));
        }
    }

    private static String last(FailoverState f, String role) {
        var recent = f.health(role).recent();
        return recent.isEmpty() ? "unchecked" : recent.get(recent.size() - 1).detail();
    }
}
