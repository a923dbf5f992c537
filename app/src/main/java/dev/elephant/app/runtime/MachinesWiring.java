package dev.elephant.app.runtime;

import dev.elephant.connector.clock.Ticker;
import dev.elephant.events.MachineAction;
import dev.elephant.sinks.audit.AuditTrail;
import dev.elephant.sinks.machines.MachineExecutor;
import dev.elephant.sinks.machines.SdkEc2Machines;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** The meeting's machines: the ticker that writes the time to {@code ticks}, and the executor of the EC2 commands. */
final class MachinesWiring implements HealthCheck {

    /** A RunInstances call can take seconds at EC2. */
    private static final Duration EC2_CALL_TIMEOUT = Duration.ofSeconds(30);

    private final MachineExecutor executor;

    private MachinesWiring(MachineExecutor executor) {
        this.executor = executor;
    }

    static MachinesWiring start(ElephantSettings s, Clock clock, MeterRegistry metrics, Closer closer) {
        var topics = s.topics().names();
        // Throttling is waited out by the executor, on the same call, where it is counted.
        Ec2Client ec2 = closer.register(AwsClients.build(Ec2Client.builder(), s.aws(), EC2_CALL_TIMEOUT,
                o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())));
        AuditTrail<MachineAction> audit = closer.register(new AuditTrail<>(s.kafka().properties(),
                topics.machineActions(), topics.deadLetter(), Duration.ofSeconds(10),
                MachineAction::key, "elephant-machine-audit"));
        MachineExecutor executor = closer.register(new MachineExecutor(s.kafka().properties(),
                new MachineExecutor.Settings(topics.machineCommands(), topics.machineActions(), topics.deadLetter(),
                        s.applicationId() + "-machines",
                        Map.of(s.project().tagKey(), s.project().tagValue()),
                        s.topology().meetingIdTag(), s.topology().roleTag(), s.reap().dryRun(),
                        s.launch().concurrency(), Duration.ofSeconds(60),
                        new MachineExecutor.Buckets(s.launch().requestBucket(), s.launch().requestRefillPerSecond(),
                                s.launch().bucket(), s.launch().refillPerSecond()),
                        new MachineExecutor.Buckets(s.launch().terminateRequestBucket(),
                                s.launch().terminateRequestRefillPerSecond(), s.launch().terminateBucket(),
                                s.launch().terminateRefillPerSecond())),
                new SdkEc2Machines(ec2), s.ownerId(), s.launch().maxRunning(), audit, metrics, clock));
        executor.start();
        closer.register(new Ticker(s.kafka().properties(), topics.ticks(), clock).start(s.launch().tickInterval()));
        return new MachinesWiring(executor);
    }

    @Override
    public void health(Map<String, String> problems) {
        if (!executor.isAlive()) {
            problems.put("machines", "not running");
        }
    }
}
