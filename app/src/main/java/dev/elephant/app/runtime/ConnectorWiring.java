package dev.elephant.app.runtime;

import dev.elephant.connector.ec2.CoalescingInstanceLookup;
import dev.elephant.connector.ec2.InstanceLookup;
import dev.elephant.connector.sweep.InventorySweep;
import dev.elephant.connector.ec2.SdkInstanceLookup;
import dev.elephant.connector.ecs.EcsTagSource;
import dev.elephant.connector.ecs.SdkTaskInventory;
import dev.elephant.connector.ecs.SdkTaskTags;
import dev.elephant.connector.ecs.TaskInventory;
import dev.elephant.connector.ecs.TaskTags;
import dev.elephant.connector.ingest.DeadLetters;
import dev.elephant.connector.ingest.EventBridgeIngest;
import dev.elephant.connector.ingest.EventLog;
import dev.elephant.app.http.HttpApi;
import dev.elephant.connector.failover.FailoverIngest;
import dev.elephant.connector.ingest.IngestAuth;
import dev.elephant.connector.ingest.IngestHandler;
import dev.elephant.connector.ingest.KafkaEventLog;
import dev.elephant.connector.ingest.RefusedCallers;
import dev.elephant.connector.meetings.MeetingIngest;
import dev.elephant.connector.sweep.KnownInstances;
import dev.elephant.events.TokenBudget;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The connector: EventBridge and meeting ingest behind their HTTP handlers (authenticated, enriched by EC2
 * lookups, written to Kafka), and the inventory sweep on its schedule.
 */
final class ConnectorWiring implements HealthCheck {

    private static final Logger log = LoggerFactory.getLogger(ConnectorWiring.class);
    /** Under EventBridge's 5 s timeout, with room for the lookup before it. */
    private static final Duration WRITE_TIMEOUT = Duration.ofMillis(3_500);
    private static final Duration AWS_CALL_TIMEOUT = Duration.ofMillis(1_200);

    private final IngestHandler eventBridge;
    private final IngestHandler meetings;
    private final HttpApi.FailoverIngestHandlers failover;
    private final InventorySweep sweep;
    private final RefusedCallers refused;

    private ConnectorWiring(IngestHandler eventBridge, IngestHandler meetings, HttpApi.FailoverIngestHandlers failover,
                            InventorySweep sweep, RefusedCallers refused) {
        this.eventBridge = eventBridge;
        this.meetings = meetings;
        this.failover = failover;
        this.sweep = sweep;
        this.refused = refused;
    }

    /** @param known Elephant's own table of instances, which the sweep compares EC2 with */
    static ConnectorWiring start(ElephantSettings s, Clock clock, MeterRegistry metrics, Closer closer,
                                 KnownInstances known) {
        var topics = s.topics().names();
        Ec2Client ec2 = closer.register(AwsClients.build(Ec2Client.builder(), s.aws(), AWS_CALL_TIMEOUT));
        KafkaEventLog eventLog = closer.register(new KafkaEventLog(s.kafka().properties()));
        DeadLetters deadLetters = new DeadLetters(eventLog, topics.deadLetter(), clock, WRITE_TIMEOUT);
        CoalescingInstanceLookup lookup = closer.register(new CoalescingInstanceLookup(new SdkInstanceLookup(ec2),
                TokenBudget.of(s.aws().describeBucket(), s.aws().describeRefillPerSecond()),
                CoalescingInstanceLookup.DEFAULT_MAX_WAIT, System::nanoTime));
        TaskTags taskTags = null;
        TaskInventory taskInventory = null;
        if (s.ecs().tagsFrom() == EcsTagSource.TASK || !s.ecs().clusters().isEmpty()) {
            EcsClient ecs = closer.register(AwsClients.build(EcsClient.builder(), s.aws(), AWS_CALL_TIMEOUT));
            taskTags = s.ecs().tagsFrom() == EcsTagSource.TASK ? new SdkTaskTags(ecs) : null;
            taskInventory = new SdkTaskInventory(ecs);
        }
        EventBridgeIngest ingest = new EventBridgeIngest(lookup, taskTags, s.project(), eventLog, deadLetters, topics,
                WRITE_TIMEOUT, metrics, clock);
        InventorySweep sweep = new InventorySweep(lookup, s.project(), known, eventLog, topics, clock, WRITE_TIMEOUT,
                metrics, taskInventory, s.ecs().clusters());
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "elephant-inventory-sweep");
            t.setDaemon(true);
            return t;
        });
        closer.register(sweeper::shutdownNow);
        long every = s.sweepInterval().toMillis();
        sweeper.scheduleWithFixedDelay(() -> sweepQuietly(sweep), every, every, TimeUnit.MILLISECONDS);
        MeetingIngest meetingIngest = new MeetingIngest(eventLog, deadLetters, topics, clock, WRITE_TIMEOUT, metrics);
        IngestAuth auth = IngestAuth.apiKey(s.ingest().keyHeader(), s.ingest().key());
        if (s.ingest().basicUser() != null) {
            auth = auth.orBasic(s.ingest().basicUser(), s.ingest().basicPassword());
        }
        RefusedCallers refused = new RefusedCallers(clock, metrics);
        Set<String> configNames = new HashSet<>();
        s.failover().forEach(d -> configNames.add(d.name()));
        FailoverIngest failoverIngest = new FailoverIngest(eventLog, deadLetters, topics, clock, WRITE_TIMEOUT,
                configNames, metrics);
        return new ConnectorWiring(
                new IngestHandler(auth, ingest::ingest, deadLetters, EventBridgeIngest.SOURCE, refused),
                new IngestHandler(auth, meetingIngest::ingest, deadLetters, MeetingIngest.SOURCE, refused),
                new HttpApi.FailoverIngestHandlers(
                        new IngestHandler(auth, "POST", failoverIngest::declare, deadLetters, FailoverIngest.SOURCE,
                                refused),
                        new IngestHandler(auth, "DELETE", failoverIngest::remove, deadLetters, FailoverIngest.SOURCE,
                                refused)),
                sweep, refused);
    }

    private static void sweepQuietly(InventorySweep sweep) {
        try {
            sweep.sweepOnce();
        } catch (InstanceLookup.LookupUnavailable | EventLog.EventLogUnavailable | KnownInstances.Unavailable e) {
            log.warn("inventory sweep skipped: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.error("inventory sweep failed: {}", e.toString(), e);
        }
    }

    IngestHandler eventBridge() {
        return eventBridge;
    }

    IngestHandler meetings() {
        return meetings;
    }

    HttpApi.FailoverIngestHandlers failover() {
        return failover;
    }

    int sweepNow() throws InstanceLookup.LookupUnavailable, EventLog.EventLogUnavailable, KnownInstances.Unavailable {
        return sweep.sweepOnce();
    }

    @Override
    public void health(Map<String, String> problems) {
        refused.problem().ifPresent(p -> problems.put("ingestAuth", p));
    }
}
