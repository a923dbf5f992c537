package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.app.config.RunConfig;
import dev.elephant.app.config.SecretsManagerReader;
import dev.elephant.app.runtime.Elephant;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EC2 throttles (HTTP 503 RequestLimitExceeded): a short burst of throttling is absorbed by the SDK's
 * retries and the event is accepted; throttling that outlasts EventBridge's patience is answered 503
 * with Retry-After, so EventBridge delivers the event again — nothing is written and nothing is
 * dead-lettered, since the event itself was fine.
 */
class AwsThrottlingTest {

    private static final String KEY = "k-throttle";

    @TempDir
    Path dir;
    private RunFixture run;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (run != null) {
            run.close();
        }
    }

    private HttpResponse<String> deliver(String instanceId, String eventId) throws Exception {
        return http.send(HttpRequest.newBuilder(run.api("/v1/eventbridge")).header("X-Elephant-Key", KEY)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Ec2Launcher.runningEvent(instanceId, eventId))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private long written(String topic, String key) {
        return TopicReader.readAll(SharedKafka.bootstrapServers(), run.prefix + topic).stream()
                .filter(r -> key == null || key.equals(r.key())).count();
    }

    @Test
    void briefThrottlingIsRetriedAndLongThrottlingAnswers503WithoutLosingOrDeadLetteringTheEvent() throws Exception {
        run = new RunFixture("throttle", "cf-throttle", KEY, false);
        run.elephant = Elephant.start(RunConfig.load(run.config(dir, ""), Map.of("ELEPHANT_INGEST_KEY", KEY,
                "ELEPHANT_CLOUDFLARE_TOKEN", "cf-throttle"), new SecretsManagerReader()));
        String id = Ec2Launcher.launch(run.aws, "Project", "Elephant");

        run.aws.throttleEc2("DescribeInstances", 1);
        assertThat(deliver(id, "evt-throttled-once").statusCode()).as("the SDK retried the throttled lookup")
                .isEqualTo(202);

        run.aws.throttleEc2("DescribeInstances", 1_000);
        HttpResponse<String> throttled = deliver(id, "evt-throttled-long");
        assertThat(throttled.statusCode()).isEqualTo(503);
        assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
        assertThat(throttled.body()).doesNotContain(KEY);

        run.aws.throttleEc2("DescribeInstances", 0);
        assertThat(deliver(id, "evt-throttled-long").statusCode()).as("EventBridge's retry").isEqualTo(202);

        assertThat(written("instance-events", id)).isEqualTo(2);
        assertThat(written("dead-letter", null)).isZero();
    }
}
