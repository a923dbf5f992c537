package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elephant.app.config.RunConfig;
import dev.elephant.app.config.SecretsManagerReader;
import dev.elephant.app.runtime.Elephant;
import dev.elephant.standins.cloudflare.DnsRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * A provider that takes longer to answer than the sink's consumer may go without polling
 * ({@code max.poll.interval.ms}; Cloudflare blocks a token for 5 minutes, the client default): the
 * group moves on and refuses the sink's commit. The sink goes back to its last committed offset and
 * carries on — it neither stops for good nor loses an outcome.
 */
class SlowProviderTest {

    private static final String TOKEN = "cf-slow";
    private static final String KEY = "k-slow";
    private static final String OWNER = "managed-by=elephant owner=prod";

    @TempDir
    Path dir;
    private RunFixture run;

    @AfterEach
    void stop() {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void aProviderSlowerThanThePollIntervalNeitherStopsTheSinkNorLosesAnOutcome() throws Exception {
        run = new RunFixture("slow", TOKEN, KEY);
        List<ProviderSide.Rec> foreign = run.provider.records();
        AtomicInteger slowAnswers = new AtomicInteger();
        run.cloudflare.beforeAnsweringAWrite(() -> {
            if (slowAnswers.getAndIncrement() == 0) {
                try {
                    Thread.sleep(9_000); // applied, answered only after the group gave up on the sink
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        run.elephant = Elephant.start(RunConfig.load(run.config(dir, ""), Map.of("ELEPHANT_INGEST_KEY", KEY,
                "ELEPHANT_CLOUDFLARE_TOKEN", TOKEN,
                "ELEPHANT_KAFKA_MAX_POLL_INTERVAL_MS", "5000",
                "ELEPHANT_KAFKA_SESSION_TIMEOUT_MS", "6000",
                "ELEPHANT_KAFKA_HEARTBEAT_INTERVAL_MS", "1000"), new SecretsManagerReader()));

        try (Ec2Client ec2 = Ec2Launcher.client(run.aws)) {
            String first = Ec2Launcher.launch(ec2, "Project", "Elephant");
            await().atMost(Duration.ofSeconds(60)).until(() -> owned().contains(first + "." + RunFixture.DOMAIN));
            await().atMost(Duration.ofSeconds(30)).until(() -> slowAnswers.get() >= 1);
            // The slow answer came after max.poll.interval.ms: this launch is applied only by a sink that lived on.
            String second = Ec2Launcher.launch(ec2, "Project", "Elephant");
            await().atMost(Duration.ofSeconds(60)).until(() -> owned().contains(second + "." + RunFixture.DOMAIN));
        }

        List<String> violations = InvariantChecker.awaitConvergence("slow provider", run.aws,
                () -> new InvariantChecker.Run(SharedKafka.bootstrapServers(), run.prefix, RunFixture.DOMAIN, OWNER,
                        run.provider, foreign, 0, run.aws.deliveredEventIds(), run.aws.deliveryAttemptsById()),
                Duration.ofSeconds(60), () -> true);
        assertThat(violations).isEmpty();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(run.elephant.healthProblems()).as("health").isEmpty());
    }

    private List<String> owned() {
        return run.cloudflare.records().stream().filter(r -> OWNER.equals(r.comment())).map(DnsRecord::name).toList();
    }
}
