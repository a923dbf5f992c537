package dev.elephant.connector.failover;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elephant.connector.ingest.DeadLetters;
import dev.elephant.connector.ingest.EventLog;
import dev.elephant.connector.ingest.IngestReason;
import dev.elephant.connector.ingest.IngestResult;
import dev.elephant.events.DesiredRecord;
import dev.elephant.events.FailoverName;
import dev.elephant.events.Json;
import dev.elephant.events.Printable;
import dev.elephant.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /v1/failover} (a declaration, checked whole, written to {@code failover-names} under its name) and
 * {@code DELETE /v1/failover/{name}} (a tombstone, whose header names the removal as the cause of the record's
 * deletion). Names of the run config are refused here: they are changed where they are declared, or the next start
 * would bring them back.
 */
public final class FailoverIngest {

    public static final String SOURCE = "failover-api";
    public static final String PATH = "/v1/failover";

    private final EventLog log;
    private final DeadLetters deadLetters;
    private final Topics topics;
    private final Clock clock;
    private final Duration writeTimeout;
    private final Set<String> configNames;
    private final MeterRegistry metrics;

    /** @param configNames the names the run config declares */
    public FailoverIngest(EventLog log, DeadLetters deadLetters, Topics topics, Clock clock, Duration writeTimeout,
                          Set<String> configNames, MeterRegistry metrics) {
        this.log = log;
        this.deadLetters = deadLetters;
        this.topics = topics;
        this.clock = clock;
        this.writeTimeout = writeTimeout;
        this.configNames = Set.copyOf(configNames);
        this.metrics = metrics;
    }

    public IngestResult declare(String path, byte[] body) {
        IngestResult result = declared(path, body);
        metrics.counter("elephant.ingest.events", "source", "failover", "outcome", result.outcomeTag()).increment();
        return result;
    }

    private IngestResult declared(String path, byte[] body) {
        if (!PATH.equals(path)) {
            return IngestResult.rejected(IngestReason.INVALID_FIELD, "declare at POST " + PATH + ", not " + Printable.of(path));
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (IOException e) {
            return deadLetters.reject(IngestReason.MALFORMED_JSON, "body is not valid JSON", SOURCE, null, body);
        }
        FailoverName d;
        try {
            d = FailoverName.parse(root, null, FailoverName.SOURCE_API, UUID.randomUUID().toString(), clock.instant());
        } catch (FailoverName.Invalid e) {
            return deadLetters.reject(IngestReason.INVALID_FIELD, e.getMessage(), SOURCE, null, body);
        }
        if (configNames.contains(d.name())) {
            return IngestResult.rejected(IngestReason.DECLARED_IN_CONFIG, "failover name " + d.name()
                    + " is declared in the run config; change it there");
        }
        try {
            log.append(topics.failoverNames(), d.name(), Json.toBytes(d), writeTimeout);
        } catch (EventLog.EventLogUnavailable e) {
            return IngestResult.rejected(IngestReason.KAFKA_UNAVAILABLE, e.getMessage());
        }
        return IngestResult.accepted(d.declarationId());
    }

    public IngestResult remove(String path, byte[] body) {
        String name = path.startsWith(PATH + "/") ? path.substring(PATH.length() + 1) : "";
        if (!FailoverName.isLabel(name)) {
            return IngestResult.rejected(IngestReason.INVALID_FIELD, "DELETE " + PATH + "/{name} takes a name such as "
                    + "db, not " + Printable.of(name));
        }
        if (configNames.contains(name)) {
            return IngestResult.rejected(IngestReason.DECLARED_IN_CONFIG, "failover name " + name
                    + " is declared in the run config; remove it there");
        }
        String removal = "removal-" + UUID.randomUUID();
        try {
            // Removing a name never declared writes a tombstone the topology ignores: a repeated DELETE is harmless.
            log.append(topics.failoverNames(), name, null, Map.of(DesiredRecord.CAUSE_HEADER, removal), writeTimeout);
        } catch (EventLog.EventLogUnavailable e) {
            return IngestResult.rejected(IngestReason.KAFKA_UNAVAILABLE, e.getMessage());
        }
        return IngestResult.accepted(removal);
    }
}
