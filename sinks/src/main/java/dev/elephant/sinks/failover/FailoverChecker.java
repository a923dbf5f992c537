package dev.elephant.sinks.failover;

import dev.elephant.events.FailoverCheck;
import dev.elephant.events.FailoverName;
import dev.elephant.events.Json;
import dev.elephant.events.TopicSchemas;
import dev.elephant.sinks.Backoff;
import dev.elephant.sinks.ConsumerLoop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the failover names' checks and writes each result to {@code failover-checks}. Every Elephant instance runs
 * one, in one consumer group on {@code failover-names}: a name is checked by the instance holding its partition, so
 * once however many instances run. On each assignment the instance reads its partitions of the compacted topic from
 * the beginning (the declarations, a few per name) and schedules each name's two targets every {@code interval}; a
 * new declaration replaces the schedule, a tombstone or a revoked partition ends it.
 *
 * <p>It decides nothing: the topology points the name from these results. An instance target is checked at the
 * address its own record has now ({@link InstanceAddresses}); the result carries that address, so the record
 * follows the instance.
 */
public final class FailoverChecker extends ConsumerLoop {

    private static final Logger log = LoggerFactory.getLogger(FailoverChecker.class);
    private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
    /**
     * Checks run here at once at most: a TCP connect to a silent target blocks its thread for the timeout. 100 names
     * at a 10 s interval and a 2 s timeout, all silent, need 40.
     */
    static final int THREADS = 32;

    private final String checksTopic;
    private final String namesTopic;
    private final InstanceAddresses addresses;
    private final MeterRegistry metrics;
    private final TargetCheck checks = new TargetCheck();
    private final KafkaProducer<String, byte[]> producer;
    private final ScheduledExecutorService scheduler;
    /** The names checked here, with their schedules. */
    private final Map<String, Scheduled> scheduled = new ConcurrentHashMap<>();

    private record Scheduled(FailoverName declaration, int partition, List<ScheduledFuture<?>> runs) {

        void cancel() {
            runs.forEach(f -> f.cancel(false));
        }
    }

    public FailoverChecker(Map<String, Object> kafka, String groupId, String namesTopic, String checksTopic,
                           InstanceAddresses addresses, MeterRegistry metrics, Clock clock) {
        super("failover-checker", committedReader(kafka, groupId, "elephant-failover-checker", Map.of()), BACKOFF,
                clock);
        this.namesTopic = namesTopic;
        this.checksTopic = checksTopic;
        this.addresses = addresses;
        this.metrics = metrics;
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "elephant-failover-checks");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        AtomicInteger n = new AtomicInteger();
        this.scheduler = Executors.newScheduledThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "elephant-failover-check-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        metrics.gauge("elephant.failover.names.checked", scheduled, Map::size);
    }

    /** The names this instance checks now. */
    public Set<String> names() {
        return new TreeSet<>(scheduled.keySet());
    }

    @Override
    protected void subscribe() {
        consumer.subscribe(List.of(namesTopic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                // Nothing is committed: each owner reads its declarations whole (compacted: one per name).
                consumer.seekToBeginning(partitions);
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                stopAll(partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                stopAll(partitions);
            }
        });
    }

    private void stopAll(Collection<TopicPartition> partitions) {
        Set<Integer> gone = new TreeSet<>();
        partitions.forEach(p -> gone.add(p.partition()));
        for (String name : new ArrayList<>(scheduled.keySet())) {
            Scheduled s = scheduled.get(name);
            if (s != null && gone.contains(s.partition())) {
                stop(name);
            }
        }
    }

    @Override
    protected boolean pollOnce() {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            if (r.key() == null) {
                continue;
            }
            if (r.value() == null) {
                stop(r.key());
                continue;
            }
            List<String> problems = TopicSchemas.problems("failover-names", r.value());
            if (!problems.isEmpty()) {
                log.warn("not checking the declaration at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), problems);
                continue;
            }
            FailoverName d = Json.fromBytes(r.value(), FailoverName.class);
            if (!r.key().equals(d.name())) {
                continue; // the topology ignores it too
            }
            Scheduled current = scheduled.get(d.name());
            if (current != null && current.declaration().declarationId().equals(d.declarationId())) {
                continue;
            }
            start(d, r.partition());
        }
        return true;
    }

    private void start(FailoverName d, int partition) {
        stop(d.name());
        long every = d.intervalDuration().toMillis();
        List<ScheduledFuture<?>> runs = List.of(
                scheduler.scheduleWithFixedDelay(() -> checkOnce(d, FailoverCheck.PRIMARY), 0, every,
                        TimeUnit.MILLISECONDS),
                // Half an interval apart, so two targets' results do not arrive in step.
                scheduler.scheduleWithFixedDelay(() -> checkOnce(d, FailoverCheck.SECONDARY), every / 2, every,
                        TimeUnit.MILLISECONDS));
        scheduled.put(d.name(), new Scheduled(d, partition, runs));
        log.info("checking failover name {} here: primary {}, secondary {}, {} {} every {}", d.name(),
                d.primary().describe(), d.secondary().describe(), d.check().type(), d.check().port(), d.interval());
    }

    private void stop(String name) {
        Scheduled s = scheduled.remove(name);
        if (s != null) {
            s.cancel();
            log.info("no longer checking failover name {} here", name);
        }
    }

    /** One check of one target, its result written; never throws (a scheduled task that throws is never run again). */
    void checkOnce(FailoverName d, String role) {
        try {
            FailoverName.Target target = d.target(role);
            String address = target.address();
            TargetCheck.Outcome outcome;
            if (target.isInstance()) {
                InstanceAddresses.Where where;
                try {
                    where = addresses.of(target.instanceId());
                } catch (InstanceAddresses.Unavailable e) {
                    // Nothing was checked, so nothing is written: a made-up failure could move the name.
                    log.debug("failover {}: cannot tell where {} is now: {}", d.name(), target.instanceId(),
                            e.getMessage());
                    return;
                }
                address = where.address();
                outcome = address == null ? new TargetCheck.Outcome(false, where.why(), 0) : null;
            } else {
                outcome = null;
            }
            if (outcome == null) {
                outcome = checks.run(d.check(), address, d.timeoutDuration());
            }
            FailoverCheck result = new FailoverCheck(FailoverCheck.SCHEMA_VERSION, UUID.randomUUID().toString(),
                    d.name(), d.declarationId(), role, target.instanceId(), address, outcome.ok(), outcome.detail(),
                    outcome.latencyMs(), clock.instant());
            producer.send(new ProducerRecord<>(checksTopic, d.name(), Json.toBytes(result)), (meta, e) -> {
                if (e != null) {
                    // The next check writes again: a lost result only delays a decision by an interval.
                    log.warn("failover {}: could not write the {} check's result: {}", d.name(), role, e.getMessage());
                }
            });
            Counter.builder("elephant.failover.checks").description("failover checks run here, by name, target and result")
                    .tags("name", d.name(), "target", role, "result", outcome.ok() ? "pass" : "fail")
                    .register(metrics).increment();
        } catch (RuntimeException e) {
            log.warn("failover {}: the {} check failed to run: {}", d.name(), role, e.toString());
        }
    }

    @Override
    public void close() {
        super.close();
        scheduler.shutdownNow();
        scheduled.clear();
        producer.close(Duration.ofSeconds(5));
    }
}
