package dev.elephant.sinks.machines;

import dev.elephant.events.DeadLetter;
import dev.elephant.events.Json;
import dev.elephant.events.JsonSerde;
import dev.elephant.events.MachineAction;
import dev.elephant.events.MachineCommand;
import dev.elephant.events.TokenBudget;
import dev.elephant.sinks.Backoff;
import dev.elephant.sinks.ConsumerLoop;
import dev.elephant.sinks.TopicSnapshot;
import dev.elephant.sinks.audit.AuditTrail;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the topology's EC2 decisions from {@code machine-commands}, each as accountable as a DNS write: an
 * intent on {@code machine-actions} before the call, one outcome after it.
 *
 * <ul>
 *   <li><b>Never twice.</b> When it is given partitions it reads their audit (the same partition numbers of
 *       {@code machine-actions}: the command's key is the audit's key): a command with an outcome is skipped,
 *       whether it comes again from a retry, a restart or a replay of the whole log, so a replay calls EC2 for
 *       nothing.</li>
 *   <li><b>Settled, not guessed.</b> A command with an intent and no outcome (a crash between the two) is
 *       carried out again with the very same call: RunInstances with the same client token answers the instance
 *       the first call launched, if it did, and TerminateInstances is idempotent. Its outcome says so.</li>
 *   <li><b>Paced to EC2's buckets.</b> Launches wait for RunInstances' request bucket (a call) and its resource
 *       bucket (an instance) on Elephant's side ({@link TokenBudget}) rather than being throttled by EC2;
 *       terminations for TerminateInstances' two buckets the same way.</li>
 *   <li><b>Throttling waits in place</b> (the same call, after a backoff, a few times); capacity, quota and server
 *       errors end the attempt {@code failed} and retryable, and the topology tries the seat again as its next
 *       attempt; a request that can never succeed ends {@code failed} for good.</li>
 *   <li><b>Cost guard.</b> A launch past {@code maxRunning} live instances of this deployment is {@code refused}
 *       without a call, dead-lettered and counted, and tried again later by the topology.</li>
 * </ul>
 * Offsets are committed after every command of a poll has its outcome on the audit topic. Commands of one key run
 * in order; keys run side by side ({@code concurrency}), since each RunInstances takes a while at EC2.
 */
public final class MachineExecutor extends ConsumerLoop {

    private static final Logger log = LoggerFactory.getLogger(MachineExecutor.class);
    static final Backoff BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    private static final int THROTTLED_TRIES = 6;
    /**
     * Launches are paced to this share of the buckets' refill, and the burst leaves one token of the bucket: paced to
     * the full bucket and rate, a call that leaves on time but reaches EC2 sooner after the one before than it left
     * (the first call of a burst sets up the connection and arrives late) finds EC2's bucket a sliver short and is
     * throttled. Eight launches at once against the EC2 stand-in's bucket of the same size and rate (2, 2 a
     * second): 3 throttled at the full rate; at nine tenths of it one throttled in two runs of five; none in three
     * runs with the token kept as well.
     */
    static final double PACING_SHARE = 0.9;

    /**
     * @param tags            the tags every launched instance gets besides the meeting's, the role's and {@code
     *                        elephant:launched-by}: the project tag
     * @param meetingIdTag    the tag key naming the meeting
     * @param roleTag         the tag key naming the role
     * @param dryRunReaps     reaps are audited {@code dry-run} and nothing is terminated
     * @param launches        RunInstances' buckets as EC2 has them for the account: launches are paced to both (one
     *                        call per seat: EC2's default request bucket, 5 refilled at 2 a second, is the tighter)
     * @param terminations    TerminateInstances' buckets as EC2 has them for the account: terminations are paced to
     *                        them
     */
    public record Settings(String commandsTopic, String actionsTopic, String deadLetterTopic, String groupId,
                           Map<String, String> tags, String meetingIdTag, String roleTag, boolean dryRunReaps,
                           int concurrency, Duration auditReadTimeout, Buckets launches, Buckets terminations) {
        public Settings {
            tags = Map.copyOf(tags);
        }
    }

    /**
     * An EC2 action's two buckets for the account: its calls ({@code requests} at once, refilled at {@code
     * requestsPerSecond}) and the instances its calls name ({@code instances}, refilled at {@code
     * instancesPerSecond}).
     */
    public record Buckets(int requests, double requestsPerSecond, int instances, double instancesPerSecond) {}

    private final Settings settings;
    private final Map<String, Object> clientProperties;
    private final Ec2Machines ec2;
    private final String ownerId;
    private final LaunchGuard guard;
    private final Paced launches;
    private final Paced terminations;
    private final AuditTrail<MachineAction> audit;
    private final MeterRegistry metrics;
    private final JsonSerde<MachineCommand> commands = JsonSerde.of(MachineCommand.class);
    private final JsonSerde<MachineAction> actions = JsonSerde.of(MachineAction.class);
    /** What the audit says of each command id of the assigned partitions: its intent, or its outcome. */
    private final Map<String, MachineAction.Phase> seen = new ConcurrentHashMap<>();
    private final ExecutorService workers;

    public MachineExecutor(Map<String, Object> clientProperties, Settings settings, Ec2Machines ec2, String ownerId,
                           int maxRunning, AuditTrail<MachineAction> audit, MeterRegistry metrics, Clock clock) {
        super("machines", committedReader(clientProperties, settings.groupId(), "elephant-machines",
                        // A poll's commands must be done within max.poll.interval.ms; RunInstances takes seconds.
                        Map.of("max.poll.records", 200)),
                BACKOFF, clock);
        this.settings = settings;
        this.clientProperties = clientProperties;
        this.ec2 = ec2;
        this.ownerId = ownerId;
        this.guard = new LaunchGuard(ec2, ownerId, maxRunning, Duration.ofMinutes(1), clock);
        this.launches = new Paced(settings.launches());
        this.terminations = new Paced(settings.terminations());
        this.audit = audit;
        this.metrics = metrics;
        this.workers = Executors.newFixedThreadPool(settings.concurrency(), r -> {
            Thread t = new Thread(r, "elephant-machines-call");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    protected void subscribe() {
        consumer.subscribe(List.of(settings.commandsTopic()), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                readAudit(partitions);
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // What was seen stays true; the next assignment reads its partitions again.
            }
        });
    }

    /** Reads what the audit says of the commands of these partitions. */
    private void readAudit(Collection<TopicPartition> commandPartitions) {
        List<TopicPartition> audited = commandPartitions.stream()
                .map(p -> new TopicPartition(settings.actionsTopic(), p.partition())).toList();
        try {
            TopicSnapshot.scan(clientProperties, audited, Map.of(), settings.auditReadTimeout(), r -> {
                MachineAction a = parse(actions, r);
                if (a != null && a.commandId() != null && a.phase() != null) {
                    seen.merge(a.commandId(), a.phase(), (was, now) -> was.isOutcome() ? was : now);
                }
            });
        } catch (TimeoutException e) {
            // Without the audit a command could be carried out twice: not before it was read.
            throw new IllegalStateException("cannot read " + settings.actionsTopic() + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected boolean pollOnce() {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
        if (records.isEmpty()) {
            return true;
        }
        Map<String, List<MachineCommand>> byKey = new LinkedHashMap<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
            MachineCommand c = parse(commands, r);
            if (c != null) {
                byKey.computeIfAbsent(String.valueOf(r.key()), k -> new ArrayList<>()).add(c);
            }
        }
        List<Future<Boolean>> running = new ArrayList<>();
        for (List<MachineCommand> ofKey : byKey.values()) {
            running.add(workers.submit(() -> {
                for (MachineCommand c : ofKey) {
                    if (!untilDone("carrying out " + c.action().name().toLowerCase() + " " + c.commandId(),
                            () -> carryOut(c))) {
                        return false;
                    }
                }
                return true;
            }));
        }
        boolean done = true;
        for (Future<Boolean> f : running) {
            try {
                done &= f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        if (!done) {
            return false; // stopping: the rest is carried out after the restart, from the last commit
        }
        consumer.commitSync(offsets);
        return true;
    }

    private <T> T parse(JsonSerde<T> serde, ConsumerRecord<String, byte[]> r) {
        try {
            return r.value() == null ? null : serde.deserializer().deserialize(r.topic(), r.value());
        } catch (SerializationException e) {
            // Only Elephant writes these topics; a record it cannot have written stays in the log, unread.
            log.error("{} {} offset {}: unreadable ({}); skipped", r.topic(), r.partition(), r.offset(), e.getMessage());
            return null;
        }
    }

    private void carryOut(MachineCommand c) throws AuditTrail.AuditUnavailable, InterruptedException {
        MachineAction.Phase before = seen.get(c.commandId());
        if (before != null && before.isOutcome()) {
            count(c, "skipped");
            return;
        }
        boolean settling = before == MachineAction.Phase.INTENT;
        if (!settling) {
            audit.record(MachineAction.intent(c, clock.instant()));
            seen.put(c.commandId(), MachineAction.Phase.INTENT);
        }
        MachineAction outcome = c.action() == MachineCommand.Action.LAUNCH ? launch(c, settling) : terminate(c, settling);
        audit.record(outcome);
        seen.put(c.commandId(), outcome.phase());
        count(c, outcome.phase().name().toLowerCase().replace('_', '-'));
        if (outcome.phase() == MachineAction.Phase.REFUSED) {
            audit.deadLetter(c.key(),
                    DeadLetter.of(outcome.error(), outcome.detail(), "machine-executor", Json.toBytes(c), clock.instant()));
        }
        if (outcome.phase() == MachineAction.Phase.FAILED) {
            log.warn("{} {} for {} failed: {}", c.action().name().toLowerCase(), c.commandId(),
                    c.meetingId() != null ? c.meetingId() + "/" + c.role() : c.instanceIds(), outcome.detail());
        }
    }

    private MachineAction launch(MachineCommand c, boolean settling) throws InterruptedException {
        if (!settling) {
            boolean admitted;
            try {
                admitted = guard.admit();
            } catch (Ec2Failure e) {
                return MachineAction.unsuccessful(c, MachineAction.Phase.FAILED, e.code(), bounded(e.getMessage()),
                        true, clock.instant());
            }
            if (!admitted) {
                return MachineAction.unsuccessful(c, MachineAction.Phase.REFUSED, "max-running", "launch.maxRunning ("
                        + guard.maxRunning() + ") instances launched by Elephant are alive", true, clock.instant());
            }
        }
        Map<String, String> tags = new HashMap<>(settings.tags());
        tags.put(settings.meetingIdTag(), c.meetingId());
        tags.put(settings.roleTag(), c.role());
        tags.put(LaunchGuard.LAUNCHED_BY_TAG, ownerId);
        launches.acquire(1);
        try {
            List<String> ids = throttledInPlace(() -> ec2.launch(c.launch(), tags, c.clientToken()));
            return MachineAction.applied(c, ids, settling ? "settled after a restart: EC2 answered the client token's "
                    + "launch" : null, clock.instant());
        } catch (Ec2Failure e) {
            if (!settling) {
                guard.release();
            }
            if (!e.throttled()) {
                launches.refused(1);
            }
            return MachineAction.unsuccessful(c, MachineAction.Phase.FAILED, e.code(), bounded(e.getMessage()),
                    e.retryable(), clock.instant());
        }
    }

    private MachineAction terminate(MachineCommand c, boolean settling) throws InterruptedException {
        if (settings.dryRunReaps() && c.isReap()) {
            return MachineAction.unsuccessful(c, MachineAction.Phase.DRY_RUN, null, "reap.dryRun: would terminate",
                    false, clock.instant());
        }
        String note = settling ? "settled after a restart: terminated again (idempotent)" : null;
        try {
            terminatePaced(c.instanceIds());
            return MachineAction.applied(c, c.instanceIds(), note, clock.instant());
        } catch (Ec2Failure e) {
            if (!e.code().startsWith("InvalidInstanceID") || c.instanceIds().size() < 2) {
                boolean gone = e.code().equals("InvalidInstanceID.NotFound");
                return gone ? MachineAction.applied(c, List.of(), "already gone: " + bounded(e.getMessage()),
                        clock.instant())
                        : MachineAction.unsuccessful(c, MachineAction.Phase.FAILED, e.code(), bounded(e.getMessage()),
                        e.retryable(), clock.instant());
            }
        }
        // EC2 refuses a whole call for one unknown id: the others one by one, an unknown one taken as gone.
        List<String> terminated = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (String id : c.instanceIds()) {
            try {
                terminatePaced(List.of(id));
                terminated.add(id);
            } catch (Ec2Failure e) {
                if (!e.code().startsWith("InvalidInstanceID")) {
                    return MachineAction.unsuccessful(c, MachineAction.Phase.FAILED, e.code(), bounded(e.getMessage()),
                            e.retryable(), clock.instant());
                }
                gone.add(id);
            }
        }
        return MachineAction.applied(c, terminated, "already gone: " + gone, clock.instant());
    }

    /** One TerminateInstances call, after its tokens. */
    private void terminatePaced(List<String> ids) throws Ec2Failure, InterruptedException {
        terminations.acquire(ids.size());
        try {
            throttledInPlace(() -> {
                ec2.terminate(ids);
                return null;
            });
        } catch (Ec2Failure e) {
            if (!e.throttled()) {
                terminations.refused(ids.size());
            }
            throw e;
        }
    }

    private interface Ec2Call<T> {
        T call() throws Ec2Failure;
    }

    /**
     * An action's two buckets kept on Elephant's side, each paced to {@link #PACING_SHARE} of its refill with one token
     * kept: a token of the request bucket per call, taken first and never given back (EC2 counts a call whatever it
     * answers), and one of the resource bucket per instance, given back when EC2 refused the call before it did
     * anything, but not when it throttled it (that says EC2's bucket is emptier than this one thought).
     */
    private static final class Paced {

        private final TokenBudget calls;
        private final TokenBudget instances;

        Paced(Buckets buckets) {
            this.calls = paced(buckets.requests(), buckets.requestsPerSecond());
            this.instances = paced(buckets.instances(), buckets.instancesPerSecond());
        }

        /** Waits for a call's token, then for one per instance it names. */
        void acquire(int instanceCount) throws InterruptedException {
            calls.acquire();
            for (int i = 0; i < instanceCount; i++) {
                instances.acquire();
            }
        }

        /** The instances' tokens of a call EC2 refused before it did anything. */
        void refused(int instanceCount) {
            for (int i = 0; i < instanceCount; i++) {
                instances.giveBack();
            }
        }

        private static TokenBudget paced(int bucket, double refillPerSecond) {
            return TokenBudget.of(Math.max(1, bucket - 1), refillPerSecond * PACING_SHARE);
        }
    }

    /** EC2 throttling is waited out on the same call, doubling from a second, a few times. */
    private <T> T throttledInPlace(Ec2Call<T> call) throws Ec2Failure, InterruptedException {
        Duration wait = Duration.ofSeconds(1);
        for (int tries = 1; ; tries++) {
            try {
                return call.call();
            } catch (Ec2Failure e) {
                if (!e.throttled() || tries == THROTTLED_TRIES || isStopping()) {
                    throw e;
                }
                metrics.counter("elephant.machines.throttled").increment();
                Thread.sleep(wait.toMillis());
                wait = wait.multipliedBy(2);
            }
        }
    }

    private void count(MachineCommand c, String outcome) {
        metrics.counter("elephant.machines.commands", "action", c.action().name().toLowerCase(), "outcome", outcome)
                .increment();
    }

    private static String bounded(String message) {
        return message == null || message.length() <= 500 ? message : message.substring(0, 500) + "…";
    }

    @Override
    public void close() {
        super.close();
        workers.shutdownNow();
    }
}
