package dev.elephant.app.runtime;

import dev.elephant.topology.ElephantTopology;
import dev.elephant.topology.StreamsProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topology on Kafka Streams: started, measured, kept alive, and ready when it runs. A replay catches up with the
 * log committing less often ({@link StreamsProperties#catchingUp}) and then, told it has caught up, runs on as a live
 * run does; Kafka Streams fixes the commit interval for a client's life, so that takes a new client over the same
 * state directory.
 */
final class StreamsRuntime implements HealthCheck, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamsRuntime.class);
    /** The gauge saying whether a replay still catches up ({@code GET /v1/status} reads it too). */
    static final String CATCHING_UP = "elephant.streams.catching.up";

    /** One Kafka Streams client and the meters bound to it. */
    private record Client(KafkaStreams streams, KafkaStreamsMetrics meters, boolean catchingUp) {}

    private final ElephantSettings settings;
    private final MeterRegistry metrics;
    private final HostInfo self;
    private volatile Client client;
    private boolean closed;

    private StreamsRuntime(ElephantSettings settings, MeterRegistry metrics, HostInfo self) {
        this.settings = settings;
        this.metrics = metrics;
        this.self = self;
    }

    /**
     * @param self       where this instance answers queries: Streams then knows which instance holds each key
     * @param catchingUp a replay's start: commit as {@link StreamsProperties#catchingUp} until {@link #runLive}
     */
    static StreamsRuntime start(ElephantSettings s, MeterRegistry metrics, Closer closer, HostInfo self,
                                boolean catchingUp) {
        StreamsRuntime runtime = closer.register(new StreamsRuntime(s, metrics, self));
        runtime.client = runtime.launch(catchingUp);
        Gauge.builder(CATCHING_UP, runtime, r -> r.isCatchingUp() ? 1 : 0)
                .description("1 while a replay catches up with the log (committing every "
                        + StreamsProperties.CATCH_UP_COMMIT_INTERVAL_MS + " ms), 0 when the topology runs live")
                .register(metrics);
        return runtime;
    }

    private Client launch(boolean catchingUp) {
        Properties p = StreamsProperties.of(settings.kafka().properties(), settings.applicationId(),
                settings.stateDir(), settings.topics().replicationFactor(), settings.topics().names().deadLetter());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        if (catchingUp) {
            p = StreamsProperties.catchingUp(p);
        }
        KafkaStreams streams = new KafkaStreams(ElephantTopology.build(settings.topology()), p);
        KafkaStreamsMetrics meters = new KafkaStreamsMetrics(streams);
        meters.bindTo(metrics);
        // A broker that comes back can briefly report Elephant's topics missing (INCOMPLETE_SOURCE_TOPIC_METADATA);
        // left to the default, that ends the whole client. A fresh stream thread rejoins and carries on.
        streams.setUncaughtExceptionHandler(e -> {
            log.error("a stream thread failed; replacing it: {}", e.toString());
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        return new Client(streams, meters, catchingUp);
    }

    /**
     * Ends a replay's catch-up, on a thread of its own so the DNS sink starts meanwhile: the client that committed
     * every {@link StreamsProperties#CATCH_UP_COMMIT_INTERVAL_MS} ms closes (committing what it processed, writing its
     * stores' checkpoints) and a client committing as a live run does starts over the same state, with nothing to
     * restore. Events that arrive meanwhile wait in Kafka; queries answer that Kafka Streams is not running until it
     * is. Does nothing when already live or closed.
     */
    void runLive() {
        Thread t = new Thread(this::switchToLive, "elephant-streams-live");
        t.setDaemon(true);
        t.start();
    }

    private synchronized void switchToLive() {
        Client catchingUp = client;
        if (closed || !catchingUp.catchingUp()) {
            return;
        }
        long start = System.nanoTime();
        stop(catchingUp);
        long stopped = System.nanoTime();
        client = launch(false);
        log.info("replay: caught up; Kafka Streams restarted to commit every {} ms as a live run does (the catch-up "
                + "committed every {} ms; closing it took {} ms, starting the live client {} ms)",
                StreamsProperties.COMMIT_INTERVAL_MS, StreamsProperties.CATCH_UP_COMMIT_INTERVAL_MS,
                (stopped - start) / 1_000_000, (System.nanoTime() - stopped) / 1_000_000);
    }

    /** The client running now (a replay's is replaced by a live one once it has caught up). */
    KafkaStreams streams() {
        return client.streams();
    }

    /** Whether a replay still catches up with the log. */
    boolean isCatchingUp() {
        return client.catchingUp();
    }

    /**
     * True when the topology runs and the parts of it that write {@code dns-desired} have processed everything: their
     * committed offsets reach the end of every topic that feeds them ({@link ElephantTopology#dnsDesiredSources}).
     * A backlog of meetings or of the reaper does not hold a replay's DNS sink back.
     */
    boolean isDnsDesiredCaughtUp(Admin admin) throws Exception {
        return streams().state() == KafkaStreams.State.RUNNING && TopologyLag.isCaughtUp(admin,
                settings.applicationId(), ElephantTopology.dnsDesiredSources(settings.topics().names(),
                        settings.applicationId()));
    }

    Admin admin() {
        return Admin.create(new HashMap<>(settings.kafka().properties()));
    }

    @Override
    public void readiness(Map<String, String> problems) {
        KafkaStreams.State state = streams().state();
        if (state != KafkaStreams.State.RUNNING) {
            problems.put("streams", state.toString());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        stop(client);
    }

    private static void stop(Client c) {
        c.meters().close();
        // Leave the group on close, so a restart is assigned its partitions at once instead of after the
        // old member's session times out.
        c.streams().close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(10)));
    }
}
