package dev.elephant.app.runtime;

import dev.elephant.topology.ElephantTopology;
import dev.elephant.topology.StreamsProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
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

/** The topology on Kafka Streams: started, measured, kept alive, and ready when it runs. */
final class StreamsRuntime implements HealthCheck {

    private static final Logger log = LoggerFactory.getLogger(StreamsRuntime.class);

    private final KafkaStreams streams;
    private final ElephantSettings settings;

    private StreamsRuntime(KafkaStreams streams, ElephantSettings settings) {
        this.streams = streams;
        this.settings = settings;
    }

    /** @param self where this instance answers queries: Streams then knows which instance holds each key */
    static StreamsRuntime start(ElephantSettings s, MeterRegistry metrics, Closer closer, HostInfo self) {
        Properties p = StreamsProperties.of(s.kafka().properties(), s.applicationId(), s.stateDir(),
                s.topics().replicationFactor(), s.topics().names().deadLetter());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        KafkaStreams streams = new KafkaStreams(ElephantTopology.build(s.topology()), p);
        // Leave the group on close, so a restart is assigned its partitions at once instead of after the
        // old member's session times out.
        closer.register(() -> streams.close(CloseOptions.groupMembershipOperation(
                CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(10))));
        KafkaStreamsMetrics streamsMetrics = closer.register(new KafkaStreamsMetrics(streams));
        streamsMetrics.bindTo(metrics);
        // A broker that comes back can briefly report Elephant's topics missing (INCOMPLETE_SOURCE_TOPIC_METADATA);
        // left to the default, that ends the whole client. A fresh stream thread rejoins and carries on.
        streams.setUncaughtExceptionHandler(e -> {
            log.error("a stream thread failed; replacing it: {}", e.toString());
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        return new StreamsRuntime(streams, s);
    }

    KafkaStreams streams() {
        return streams;
    }

    /**
     * True when the topology runs and the parts of it that write {@code dns-desired} have processed everything: their
     * committed offsets reach the end of every topic that feeds them ({@link ElephantTopology#dnsDesiredSources}).
     * A backlog of meetings or of the reaper does not hold a replay's DNS sink back.
     */
    boolean isDnsDesiredCaughtUp(Admin admin) throws Exception {
        return streams.state() == KafkaStreams.State.RUNNING && TopologyLag.isCaughtUp(admin, settings.applicationId(),
                ElephantTopology.dnsDesiredSources(settings.topics().names(), settings.applicationId()));
    }

    Admin admin() {
        return Admin.create(new HashMap<>(settings.kafka().properties()));
    }

    @Override
    public void readiness(Map<String, String> problems) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            problems.put("streams", streams.state().toString());
        }
    }
}
