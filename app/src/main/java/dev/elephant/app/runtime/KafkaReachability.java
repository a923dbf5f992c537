package dev.elephant.app.runtime;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Whether the Kafka cluster answers now, for {@code /readyz}: Kafka Streams keeps its state RUNNING
 * while it retries a lost broker, so readiness asks the cluster itself, at most every few seconds.
 */
final class KafkaReachability implements AutoCloseable, HealthCheck {

    private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(3);
    private final Admin admin;
    private long checkedAt = Long.MIN_VALUE;
    private Optional<String> last = Optional.empty();

    KafkaReachability(Map<String, Object> kafka) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "elephant-readiness");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000);
        this.admin = Admin.create(props);
    }

    synchronized Optional<String> problem() {
        long now = System.nanoTime();
        if (checkedAt != Long.MIN_VALUE && now - checkedAt < RECHECK_NANOS) {
            return last;
        }
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000)).nodes().get(2, TimeUnit.SECONDS);
            last = Optional.empty();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            last = Optional.of("the cluster did not answer within 2 s");
        }
        checkedAt = System.nanoTime();
        return last;
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(2));
    }

    @Override
    public void readiness(Map<String, String> problems) {
        problem().ifPresent(p -> problems.put("kafka", p));
    }
}
